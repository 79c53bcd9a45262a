"""Report kernels forked from a pool worker that has imported what they need.

The forked kernel must be the kernel a new process would be: its own process and session,
the worker as its parent (and gone when the worker goes), the folder, standard error and
options the kernel manager gives, the inline backend, its own random draws.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from perfkit import _forkkernel, reports

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kernels fork on POSIX only")

#: What a kernel reports about itself, written to a file the test reads.
FACTS = """import json, os, sys
import numpy as np
import matplotlib
print("said on standard error", file=sys.__stderr__, flush=True)
json.dump({{
    "pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0), "cwd": os.getcwd(),
    "backend": matplotlib.get_backend(), "draw": float(np.random.random()),
    "history": get_ipython().history_manager.enabled,
}}, open({path!r}, "w"))
"""

#: A kernel of the worker's, left running (for the orphan test).
_KEPT: list[reports._Kernel] = []


def _kernel_facts(cwd: str, out: str, keep: bool = False, mplbackend: str | None = None) -> dict:
    """In a pool worker: start a batch kernel, have it say what it is, and what started it;
    ``mplbackend`` is the ``$MPLBACKEND`` the kernel is started with (None: not set)."""
    reports._import_worker_modules()  # as a batch's worker does (the test's fork server
    # may have been started by another pool, without them)
    if mplbackend is None:
        os.environ.pop("MPLBACKEND", None)
    else:
        os.environ["MPLBACKEND"] = mplbackend
    kernel = reports._Kernel(cwd)
    facts: dict = {"worker": os.getpid(), "threads_before": threading.active_count()}
    ok = kernel.run(FACTS.format(path=out))
    facts["ran"] = ok
    facts["forked"] = bool(getattr(kernel.km.provisioner, "forked", False))
    facts["log"] = kernel.log_since(0).decode("utf-8", "replace")
    facts.update(json.loads(Path(out).read_text(encoding="utf-8")))
    if keep:
        _KEPT.append(kernel)
    else:
        kernel.close()
    return facts


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_kernel_argv_is_read_only_from_this_interpreters_ipykernel():
    me = sys.executable
    conn = ["-f", "/x/kernel-1.json"]
    assert _forkkernel.kernel_argv([me, "-m", "ipykernel_launcher", *conn]) == conn
    assert _forkkernel.kernel_argv([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher"]) == []
    assert _forkkernel.kernel_argv(["/other/python", "-m", "ipykernel_launcher", *conn]) is None
    assert _forkkernel.kernel_argv([me, "-m", "other_kernel", *conn]) is None
    assert _forkkernel.kernel_argv([me, "-c", "pass"]) is None
    assert _forkkernel.kernel_argv([]) is None


def test_only_streams_a_fork_can_keep_are_forked_with(tmp_path):
    import io
    import subprocess

    with open(tmp_path / "log", "ab") as log:
        assert _forkkernel._inheritable(None) and _forkkernel._inheritable(log)
    assert _forkkernel._inheritable(2)
    assert not _forkkernel._inheritable(subprocess.PIPE)  # a pipe only Popen makes
    assert not _forkkernel._inheritable(io.BytesIO())  # no descriptor to give the kernel


def test_no_fork_while_another_thread_runs():
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not _forkkernel.can_fork(cmd)
    finally:
        stop.set()
        thread.join()


def test_no_fork_of_a_process_running_a_kernel_or_shell(monkeypatch):
    from ipykernel.kernelapp import IPKernelApp

    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    import multiprocessing

    # as in a pool worker
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    assert _forkkernel.can_fork(cmd)
    monkeypatch.setattr(IPKernelApp, "initialized", classmethod(lambda cls: True))
    assert not _forkkernel.can_fork(cmd)  # e.g. a process pool forked from a notebook


def test_a_pool_workers_kernel_is_a_fork_that_behaves_as_a_new_kernel(tmp_path):
    cwd = tmp_path / "notebooks"
    cwd.mkdir()
    with reports._pool(1) as pool:
        first = pool.submit(_kernel_facts, str(cwd), str(tmp_path / "a.json")).result()
        second = pool.submit(_kernel_facts, str(cwd), str(tmp_path / "b.json"), False, "svg")
        second = second.result()
    # ipykernel's choice: the inline backend unless $MPLBACKEND names one
    assert first["backend"] == _forkkernel.INLINE_BACKEND
    assert second["backend"] == "svg"
    for facts in (first, second):
        assert facts["ran"] and facts["forked"], facts
        assert facts["pid"] != facts["worker"] and facts["ppid"] == facts["worker"]
        assert facts["sid"] == facts["pid"]  # a session of its own, as a new process has
        assert facts["cwd"] == str(cwd)
        assert facts["history"] is False  # the batch's kernel option reached ipykernel
        assert "said on standard error" in facts["log"]
    assert first["draw"] != second["draw"]  # each kernel draws its own random numbers
    for facts in (first, second):
        assert _gone(facts["pid"])  # closed with its _Kernel


def test_a_forked_kernel_goes_when_its_worker_goes(tmp_path):
    with reports._pool(1) as pool:
        facts = pool.submit(_kernel_facts, str(tmp_path), str(tmp_path / "a.json"), True).result()
        assert facts["forked"] and not _gone(facts["pid"])
        os.kill(facts["worker"], signal.SIGKILL)
        deadline = time.monotonic() + 15
        while not _gone(facts["pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(facts["pid"]), "the kernel outlived its worker"


def test_outside_a_pool_worker_the_kernel_is_a_new_process(tmp_path):
    # this test process is a user's own process, not a pool's worker
    facts = _kernel_facts(str(tmp_path), str(tmp_path / "a.json"))
    assert facts["ran"] and not facts["forked"]
    assert facts["ppid"] == os.getpid() and facts["cwd"] == str(tmp_path)
    assert facts["history"] is False
