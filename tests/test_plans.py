"""Tests of perfkit.plans: the five role templates, score curves, overrides and plan errors."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from conftest import PLANS_DIR
from pydantic import ValidationError

from perfkit.errors import PlanError
from perfkit.plans import WEIGHT_TOLERANCE, Plan, load_plan, load_plans

ROLES = [
    "brand_content",
    "event_planning",
    "marketing_specialist",
    "offline_channel",
    "online_promotion",
]
JARGON = (
    "Extra inputs",
    "Field required",
    "Value error",
    "pydantic",
    "Input should",
    "extra_forbidden",
)


@pytest.fixture
def online(plans: dict[str, Plan]) -> Plan:
    return plans["online_promotion"]


# ---------------------------------------------------------------------------------------
# the five templates
# ---------------------------------------------------------------------------------------
def test_five_templates_load(plans: dict[str, Plan]) -> None:
    assert sorted(plans) == ROLES
    for role, plan in plans.items():
        assert plan.role == role
        assert plan.currency == "CNY" and plan.period == "quarter"


@pytest.mark.parametrize("role", ROLES)
def test_template_is_sound(plans: dict[str, Plan], role: str) -> None:
    plan = plans[role]
    assert abs(math.fsum(m.weight for m in plan.metrics) - 1.0) <= WEIGHT_TOLERANCE
    assert plan.name_zh.strip()
    assert all(m.label_zh.strip() for m in plan.metrics)
    assert [(b.band, b.label, b.label_zh) for b in plan.rating_bands] == [
        ("S", "Outstanding", "卓越"),
        ("A", "Exceeds", "优秀"),
        ("B", "Meets", "达标"),
        ("C", "Partly meets", "待改进"),
        ("D", "Below", "不达标"),
    ]
    qualitative = [m for m in plan.metrics if m.kind == "qualitative"]
    assert len(qualitative) == 1 and qualitative[0].measure.agg == "rating"
    mins = [b.min_composite for b in plan.rating_bands]
    assert mins == sorted(mins, reverse=True) and len(set(mins)) == len(mins) and mins[-1] == 0
    assert abs(math.fsum(b.guideline_share for b in plan.rating_bands) - 1.0) <= WEIGHT_TOLERANCE
    assert plan.payout.modifier_min <= 1.0 <= plan.payout.modifier_max


# ---------------------------------------------------------------------------------------
# achievement and score curves, worked by hand
# ---------------------------------------------------------------------------------------
def test_lower_is_better_curve_points(online: Plan) -> None:
    # search_rank: target 5, threshold 8, stretch 3; achievement = 2 - actual/target
    # threshold: 2 - 8/5 = 0.4; stretch: 2 - 3/5 = 1.4; default scale 0 / 0.5 / 1 / 1.5
    pts, step = online.curve_points("search_rank")
    assert pts == ((0.4, 0.0), (0.4, 0.5), (1.0, 1.0), (1.4, 1.5))
    assert step is False
    m = online.metric("search_rank")
    assert m.achievement_of(6) == pytest.approx(0.8)  # 2 - 6/5
    assert m.achievement_of(5) == pytest.approx(1.0)


def test_higher_is_better_curve_points(online: Plan) -> None:
    # leads: target 450, threshold 360 -> 0.8, stretch 600 -> 4/3
    pts, _ = online.curve_points(online.metric("leads"))
    assert pts[:3] == ((0.8, 0.0), (0.8, 0.5), (1.0, 1.0))
    assert pts[3] == (pytest.approx(4 / 3), 1.5)
    assert online.metric("leads").achievement_of(540) == pytest.approx(1.2)
    # cost_per_lead (lower): target 120, threshold 150 -> 2 - 1.25 = 0.75,
    # stretch 95 -> 2 - 95/120 = 1.2083...
    pts, _ = online.curve_points("cost_per_lead")
    assert pts[0] == (0.75, 0.0) and pts[3] == (pytest.approx(2 - 95 / 120), 1.5)


def test_named_step_curve(plans: dict[str, Plan]) -> None:
    pts, step = plans["offline_channel"].curve_points("new_channels")
    assert pts == ((0.0, 0.0), (0.66, 0.5), (1.0, 1.0), (1.66, 1.5))
    assert step is True


def test_cap_scale_and_no_threshold(online: Plan) -> None:
    capped = online.with_overrides({"metrics.leads.cap": 1.2})
    pts, _ = capped.curve_points("leads")
    # the line from (1, 1) to (4/3, 1.5) crosses 1.2 at 1 + 0.2 / 1.5; flat at the cap after
    assert pts[:3] == ((0.8, 0.0), (0.8, 0.5), (1.0, 1.0))
    assert pts[3] == (pytest.approx(1 + 0.2 / 1.5), 1.2)
    assert pts[4] == (pytest.approx(4 / 3), 1.2)
    stepped = online.with_overrides(
        {"curves": {"tiers": {"points": [[0.5, 0.5], [1.0, 1.0], [1.5, 1.5]], "step": True}},
         "metrics.leads.threshold": None, "metrics.leads.stretch": None,
         "metrics.leads.curve": "tiers", "metrics.leads.cap": 1.2}
    )  # fmt: skip
    assert stepped.curve_points("leads") == (((0.5, 0.5), (1.0, 1.0), (1.5, 1.2)), True)
    scaled = online.with_overrides({"score_scale.at_threshold": 0.3})
    assert scaled.curve_points("search_rank")[0][:2] == ((0.4, 0.0), (0.4, 0.3))
    bare = online.with_overrides({"metrics.leads.threshold": None, "metrics.leads.stretch": None})
    assert bare.curve_points("leads") == (((0.0, 0.0), (1.0, 1.0)), False)


def test_unknown_metric_names_known_ones(online: Plan) -> None:
    with pytest.raises(PlanError, match=r"no metric 'reach'; known metrics: traffic_growth"):
        online.metric("reach")


# ---------------------------------------------------------------------------------------
# with_overrides and frozen models
# ---------------------------------------------------------------------------------------
def test_with_overrides_changes_a_copy(online: Plan) -> None:
    new = online.with_overrides({"payout.curve.threshold": 0.85, "payout.team_share": 0.4})
    assert new.payout.curve.threshold == 0.85 and new.payout.team_share == 0.4
    assert online.payout.curve.threshold == 0.70 and online.payout.team_share == 0.30
    assert online.with_overrides(period="year").period == "year"
    moved = online.with_overrides(
        {"metrics.leads.weight": 0.25, "metrics.traffic_growth.weight": 0.15}
    )
    assert moved.metric("leads").weight == 0.25
    assert math.fsum(m.weight for m in moved.metrics) == pytest.approx(1.0)


def test_override_that_breaks_weights(online: Plan) -> None:
    with pytest.raises(PlanError) as info:
        online.with_overrides({"metrics.leads.weight": 0.3})
    text = str(info.value)
    assert "metric weights add up to 1.1, not 1" in text
    assert "leads 0.3" in text and "make them sum to 1" in text
    assert not any(j in text for j in JARGON)


def test_override_bad_path_or_value(online: Plan) -> None:
    with pytest.raises(PlanError, match=r"no field 'payout.curve.treshold'"):
        online.with_overrides({"payout.curve.treshold": 0.8})
    with pytest.raises(PlanError, match=r"no item 'nope'"):
        online.with_overrides({"metrics.nope.weight": 0.1})
    with pytest.raises(PlanError) as info:
        online.with_overrides({"payout.team_share": 1.5})
    assert "field payout.team_share: found 1.5; expected less than or equal to 1" in str(info.value)


def test_plans_are_frozen(online: Plan) -> None:
    with pytest.raises(ValidationError):
        online.role = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        online.metrics[0].weight = 0.5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        online.payout.curve.cap = 3.0  # type: ignore[misc]
    assert isinstance(online.metrics, tuple)


# ---------------------------------------------------------------------------------------
# plan-file errors, through load_plans
# ---------------------------------------------------------------------------------------
@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PLANS_DIR, tmp_path / "plans"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def plan_problems(directory: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plans(directory)
    text = str(info.value)
    assert not any(j in text for j in JARGON), text
    return [str(p) for p in info.value.problems]


def test_invalid_yaml_names_the_line(plans_dir: Path) -> None:
    (plans_dir / "online_promotion.yaml").write_text(
        "role: online_promotion\nmetrics: [a\n  b: c\n"
    )
    [msg] = plan_problems(plans_dir)
    assert msg.startswith(f"{plans_dir / 'online_promotion.yaml'}, line 3: not valid YAML")
    assert msg.endswith("; fix the syntax")


def test_unknown_field_typo(plans_dir: Path) -> None:
    f = plans_dir / "online_promotion.yaml"
    edit(f, "    weight: 0.20", "    wieght: 0.20")
    probs = plan_problems(plans_dir)
    assert (
        f"{f}, field metrics[0](traffic_growth).wieght: unknown field `wieght`; remove it or "
        "correct its spelling (did you mean `weight`?); see docs/plans.md" in probs
    )
    assert (
        f"{f}, field metrics[0](traffic_growth).weight: missing; add `weight`; "
        "see docs/plans.md" in probs
    )


def test_missing_field(plans_dir: Path) -> None:
    f = plans_dir / "brand_content.yaml"
    edit(f, "name_zh: ", "# name_zh: ")
    assert plan_problems(plans_dir) == [
        f"{f}, field name_zh: missing; add `name_zh`; see docs/plans.md"
    ]


def test_band_chinese_wording_is_optional(plans_dir: Path) -> None:
    f = plans_dir / "online_promotion.yaml"
    edit(f, "label: Meets, label_zh: 达标}", "label: Meets}")
    bands = {b.band: b for b in load_plan(f).rating_bands}
    assert bands["B"].label_zh == ""
    assert bands["A"].label_zh == "优秀"
    edit(f, "label_zh: 优秀}", "label_cn: 优秀}")  # a misspelt field is still an error
    [msg] = plan_problems(plans_dir)
    assert "label_cn" in msg


def test_file_name_must_match_role(plans_dir: Path) -> None:
    shutil.copy(plans_dir / "online_promotion.yaml", plans_dir / "promo.yaml")
    assert plan_problems(plans_dir) == [
        f"{plans_dir / 'promo.yaml'}, field role: found 'online_promotion' in a file named "
        "promo.yaml; name the file after its role (online_promotion.yaml) or say role: promo"
    ]


def test_weights_zero_target_and_order_are_all_reported(plans_dir: Path) -> None:
    on = plans_dir / "online_promotion.yaml"
    edit(on, "    weight: 0.05", "    weight: 0.10")
    ev = plans_dir / "event_planning.yaml"
    edit(ev, "target: 900", "target: 0")
    br = plans_dir / "brand_content.yaml"
    edit(br, "    threshold: 28", "    threshold: 40")  # content_output: 40 > target 36
    probs = plan_problems(plans_dir)
    assert len(probs) == 3
    assert probs[0] == (
        f"{br}, field metrics[2](content_output): threshold, target and stretch are out of "
        "order: 40.0, 36.0, 45.0; expected threshold < target < stretch"
    )
    assert probs[1] == (
        f"{ev}, field metrics[0](attendance): `target` must be above zero (achievement divides "
        "by it), not 0.0"
    )
    assert probs[2].startswith(f"{on}: metric weights add up to 1.05, not 1 (traffic_growth 0.2")


def test_lower_is_better_threshold_out_of_reach(online: Plan) -> None:
    with pytest.raises(PlanError, match=r"threshold at or above twice the target \(10"):
        online.with_overrides({"metrics.search_rank.threshold": 10})


def test_load_plan_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"plan file not found"):
        load_plan(tmp_path / "nope.yaml")
    with pytest.raises(PlanError) as info:
        load_plans(tmp_path / "nofolder")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'nofolder'}: plans folder not found; run from the repository root, or pass --plans with the folder of <role>.yaml plans (the repository's templates/plans)"
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(PlanError, match=r"no \*\.yaml plan files found"):
        load_plans(empty)


# ---------------------------------------------------------------------------------------
# plan discovery: one rule for every command
# ---------------------------------------------------------------------------------------
def test_plan_files_finds_yaml_and_yml(tmp_path: Path) -> None:
    from perfkit.plans import plan_files

    (tmp_path / "a.yml").write_text("role: a\n")
    (tmp_path / "b.yaml").write_text("role: b\n")
    (tmp_path / "notes.txt").write_text("not a plan\n")
    assert plan_files(tmp_path) == {"a": tmp_path / "a.yml", "b": tmp_path / "b.yaml"}
    assert plan_files(tmp_path / "missing") == {}


def test_two_files_for_one_role_is_an_error(plans_dir: Path) -> None:
    from perfkit.plans import plan_files, role_plan

    yml = plans_dir / "online_promotion.yml"
    shutil.copy(plans_dir / "online_promotion.yaml", yml)
    edit(yml, "weight: 0.20", "weight: 0.21")  # the copy differs, so picking one would be a guess
    expected = (
        f"{plans_dir / 'online_promotion.yaml'}: role 'online_promotion' has two plan files "
        "(online_promotion.yaml, online_promotion.yml); keep one plan file per role: "
        "remove or rename the other"
    )
    for load in (plan_files, load_plans, lambda d: role_plan(d, "online_promotion")):
        with pytest.raises(PlanError) as info:
            load(plans_dir)
        assert [str(p) for p in info.value.problems] == [expected]


def test_role_plan_reads_only_its_role(plans_dir: Path) -> None:
    from perfkit.plans import role_plan

    (plans_dir / "brand_content.yaml").write_text("role: brand_content\nmetrics: [\n")
    assert role_plan(plans_dir, "online_promotion").role == "online_promotion"
    with pytest.raises(PlanError) as info:
        role_plan(plans_dir, "nope")
    assert str(info.value).endswith(
        "no plan for role 'nope'; choose one of: "
        + ", ".join(
            [
                "brand_content",
                "event_planning",
                "marketing_specialist",
                "offline_channel",
                "online_promotion",
            ]
        )
    )


def test_find_plans_dir_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfkit._resources import templates_dir
    from perfkit.plans import find_plans_dir

    # 1. an explicit folder, as given
    assert find_plans_dir(tmp_path / "mine") == tmp_path / "mine"
    # 2. templates/plans here or in the nearest parent
    project = tmp_path / "project"
    (project / "templates" / "plans").mkdir(parents=True)
    deep = project / "notebooks" / "sub"
    deep.mkdir(parents=True)
    assert find_plans_dir(start=deep) == project / "templates" / "plans"
    monkeypatch.chdir(project)
    assert find_plans_dir().resolve() == (project / "templates" / "plans").resolve()
    # 3. none found: the bundled plans, which load as the five role plans
    lone = tmp_path / "lone"
    lone.mkdir()
    monkeypatch.chdir(lone)
    found = find_plans_dir()
    assert found == templates_dir() / "plans"
    assert sorted(load_plans(found)) == ROLES


def test_a_repeated_key_in_a_plan_is_an_error_naming_line_and_key(plans_dir: Path) -> None:
    path = plans_dir / "online_promotion.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip() == "weight: 0.20")
    lines.insert(first + 1, lines[first].replace("0.20", "0.40"))  # a second weight: line
    path.write_text("".join(lines), encoding="utf-8")
    [msg] = plan_problems(plans_dir)
    assert msg.startswith(f"{path}, line {first + 2}: ")
    assert "`weight`" in msg and f"line {first + 1}" in msg and "keep one" in msg
