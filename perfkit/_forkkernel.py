"""Report kernels started as copies of a process that has already imported what they need.

A Jupyter kernel is normally a new Python process: ``python -m ipykernel_launcher -f
<connection file>``, which then imports ipykernel, and the report imports pandas,
matplotlib, seaborn and scipy.stats, about 3 s of one core per kernel. A worker of the
batch's local pool is a fork of the pool's fork server, which has imported those modules
once (:data:`perfkit.reports._WORKER_MODULES`; the worker imports them itself when the
process's fork server was started by another pool). :class:`ForkProvisioner` starts the
worker's kernel as a fork of the worker itself, so the kernel starts with them imported,
and two workers pay their imports once between them, in the fork server.

The kernel is forked only where that is safe and gives the same kernel a new process
would be (:func:`can_fork`): the kernel spec runs this very interpreter with ``-m
ipykernel_launcher``, the process is a pool's worker with no other thread, and ipykernel
is imported but no kernel or IPython shell runs in it (not a user's notebook or a copy of
one). Anywhere else, and if the fork fails, the kernel is started as a new process
(:class:`LocalProvisioner`). ``ps`` shows a forked kernel with its worker's command line
(the fork server's): a fork runs no new program.

In the copy, before ipykernel starts as it would in a new process: a session of its own
(so signals to the kernel's process group reach only the kernel), standard input from
``/dev/null``, standard error to the file the kernel manager gives, no descriptor of the
worker's left open, the kernel manager's folder and environment, default signal handlers,
fresh random states, and matplotlib's backend chosen as ipykernel chooses it
(``$MPLBACKEND``, else the inline backend). ipykernel is told its parent's process id on
its command line (it polls it and exits when the worker goes), as it would read it from
``$JPY_PARENT_PID`` at import. The copy never returns into the worker's code: it ends with
:func:`os._exit`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

#: The backend ipykernel gives matplotlib when ``$MPLBACKEND`` is not set.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class _ForkedProcess:
    """The part of :class:`subprocess.Popen` a provisioner uses, for a forked child."""

    stdin = None
    stdout = None
    stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            time.sleep(0.01)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def kernel_argv(cmd: list[str]) -> list[str] | None:
    """ipykernel's arguments in ``cmd`` when it runs this interpreter's ipykernel
    (``<sys.executable> [-X...] -m ipykernel_launcher <arguments>``), else None."""
    if not cmd or os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):
        return None
    i = 1
    while i < len(cmd) and cmd[i].startswith("-X"):  # interpreter options (frozen modules)
        i += 1
    if cmd[i : i + 2] != ["-m", "ipykernel_launcher"]:
        return None
    return cmd[i + 2 :]


def can_fork(cmd: list[str]) -> bool:
    """Whether a kernel for ``cmd`` may be started as a fork of this process: a worker
    process of a pool, with one thread, ipykernel imported but no kernel or IPython shell
    running here (a copy of one would carry the user's session into the report)."""
    if not hasattr(os, "fork") or kernel_argv(cmd) is None or threading.active_count() != 1:
        return False
    if multiprocessing.parent_process() is None or "ipykernel.kernelapp" not in sys.modules:
        return False  # a user's own process, or one that would import ipykernel afresh
    from ipykernel.kernelapp import IPKernelApp
    from IPython.core.interactiveshell import InteractiveShell

    return not (IPKernelApp.initialized() or InteractiveShell.initialized())


def _inheritable(stream: Any) -> bool:
    """Whether a kernel's standard stream, as Popen would take it, is one a fork can keep
    (the parent's, or a file); pipes Popen would make are left to Popen."""
    if stream is None:
        return True
    if isinstance(stream, int):
        return stream >= 0
    try:
        return stream.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        return False


def _open_fds_limit() -> int:
    try:
        return int(os.sysconf("SC_OPEN_MAX"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - POSIX has it
        return 4096


def _become_kernel(
    argv: list[str], *, env: dict[str, str], cwd: str | None, stdout: Any, stderr: Any
) -> None:
    """In the forked child: set the process up as a new kernel process would be, and run
    ipykernel; never returns."""
    code = 1
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        for fd, stream in ((1, stdout), (2, stderr)):
            if stream is not None:
                os.dup2(stream if isinstance(stream, int) else stream.fileno(), fd)
        os.closerange(3, _open_fds_limit())
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it at start
        if cwd is not None:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        backend = env.get("MPLBACKEND") or INLINE_BACKEND
        os.environ["MPLBACKEND"] = backend
        if "matplotlib" in sys.modules:  # imported before the variable was set
            sys.modules["matplotlib"].rcParams["backend"] = backend
        if "numpy" in sys.modules:  # a new process would not share the worker's draws
            sys.modules["numpy"].random.seed()
        import asyncio

        asyncio.set_event_loop_policy(None)  # no event loop of the worker's
        from importlib.util import find_spec

        from ipykernel import kernelapp

        spec = find_spec("ipykernel_launcher")
        sys.argv = [(spec.origin if spec else None) or "ipykernel_launcher", *argv]
        parent = env.get("JPY_PARENT_PID")
        extra = [f"--IPKernelApp.parent_handle={int(parent)}"] if parent else []
        kernelapp.IPKernelApp.launch_instance(argv=[*argv, *extra])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - said on the kernel's standard error
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:  # noqa: BLE001, S110 - a closed stream; the process ends anyway
                pass
        os._exit(code)


class ForkProvisioner(LocalProvisioner):
    """:class:`LocalProvisioner` that forks the kernel from this process when it may
    (:func:`can_fork`), else starts it as a new process like its parent class."""

    forked = False

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        argv = kernel_argv(cmd)
        streams = (kwargs.get("stdout"), kwargs.get("stderr"))
        if argv is None or not can_fork(cmd) or not all(map(_inheritable, streams)):
            self.forked = False
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())
        cwd = kwargs.get("cwd")
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()  # nothing of the worker's is written twice
        try:
            pid = os.fork()
        except OSError:
            self.forked = False
            return await super().launch_kernel(cmd, **kwargs)
        if pid == 0:  # pragma: no cover - the child runs the kernel and exits
            _become_kernel(
                argv, env=env, cwd=cwd, stdout=kwargs.get("stdout"), stderr=kwargs.get("stderr")
            )
        self.forked = True
        # the part of Popen the provisioner uses
        self.process = _ForkedProcess(pid)  # type: ignore[assignment]
        self.pid = pid
        self.pgid = pid  # the child's own session
        self.cwd = cwd
        return self.connection_info
