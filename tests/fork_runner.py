"""Run copied code blocks as `python <file>` would, in processes forked from a warm interpreter.

Every block runs as a reader runs a copy: a file alone in an empty folder, that folder the working
directory and sys.path[0], `__name__ == "__main__"`, the snippet environment (deprecations raised
by the block are errors), its own exit status, stdout and stderr. Starting a fresh interpreter
for each of the suite's ~80 runs spent most of their time importing torch (about 4 s each, 6 s
with torch.compile's modules on the 2-core machine): a server process imports those modules once
and forks a child per run, which reseeds the random generators (as a fresh interpreter would)
and runs the file with runpy. Nothing else of the server's state reaches the child: the server
never runs a tensor operation, a compilation or a random draw.

A block that changes the environment (os.environ[...] = ..., os.putenv) can depend on when torch
reads it, so it runs in a fresh interpreter instead (helpers.run_python_code).
"""

from __future__ import annotations

import json
import os
import queue
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitetools import make_outputs

# A block that sets environment variables: torch may have read them at import.
SETS_ENVIRONMENT = re.compile(
    r"os\.environ\[[^\]]+\]\s*=|os\.environ\.(?:update|setdefault)|putenv"
)

SERVER = r"""
import atexit, json, os, random, runpy, sys, traceback
import torch, torch._dynamo, torch._inductor.config, torch._inductor.utils  # the warm part

def run(request):
    # a fresh interpreter seeds its random generators anew: so does each child
    random.seed()
    torch.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    os.nice(request["nice"])
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(request["folder"])
    sys.argv = [request["name"]]
    sys.path[0] = request["folder"]  # as `python <file>` sets it
    code = 0
    try:
        runpy.run_path(request["name"], run_name="__main__")
    except SystemExit as stop:  # what the interpreter does with an uncaught SystemExit
        if stop.code is None:
            code = 0
        elif isinstance(stop.code, int):
            code = stop.code
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)

print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        sys.stdin.close()
        run(request)
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


class _Server:
    """One warm interpreter; it runs one block at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            env=make_outputs.snippet_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.pending = b""  # bytes read from the server beyond the last complete line
        if self._line(timeout=300) != "ready":
            raise RuntimeError("the block runner did not start within 300 s")

    def _line(self, timeout: float) -> str | None:
        """The server's next line; None when none came within timeout. Reads the pipe's file
        descriptor itself: a buffered reader may hold a second line that select cannot see."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"the block runner exited (code {self.process.wait()})")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode().strip()

    def _send(self, request: dict) -> None:
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()

    def run(self, folder: Path, name: str, nice: int, timeout: float) -> tuple[int, str, str]:
        with tempfile.TemporaryDirectory(prefix="block-output-") as output:
            out, err = Path(output) / "stdout", Path(output) / "stderr"
            request = {"folder": str(folder), "name": name, "nice": nice}
            request |= {"stdout": str(out), "stderr": str(err)}
            self._send(request)
            pid = int(self._line(timeout=60))
            status = self._line(timeout)
            if status is None:
                os.kill(pid, signal.SIGKILL)
                self._line(timeout=60)
                raise subprocess.TimeoutExpired([sys.executable, name], timeout)
            return int(status), out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")


_idle: queue.SimpleQueue[_Server] = queue.SimpleQueue()


def run(folder: Path, name: str, nice: int, timeout: float) -> subprocess.CompletedProcess:
    """Run folder/name as `python name` run in folder would; one warm server per concurrent
    caller (the background runs and the main thread)."""
    try:
        server = _idle.get_nowait()
    except queue.Empty:
        server = _Server()
    try:
        code, stdout, stderr = server.run(folder, name, nice, timeout)
    except subprocess.TimeoutExpired:  # the server killed the block and goes on
        _idle.put(server)
        raise
    _idle.put(server)  # a server that broke (RuntimeError) is not reused
    return subprocess.CompletedProcess([sys.executable, name], code, stdout, stderr)
