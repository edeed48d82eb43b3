"""The built relabel service (``node dist/src/main.js``) as a child process on a temporary SQLite DATA_DIR.

Ports come from ``RELABEL_TEST_PORTS`` (default ``7610-7629``); each start takes the first free one
unless it restarts on its own port. Every process is killed by its PID when the tests end, also
when they fail (``atexit`` and the session fixture's finaliser).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Dict, List, Optional

import httpx

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
MAIN = os.path.join(REPO_ROOT, "dist", "src", "main.js")

_running: List["ServiceProcess"] = []


def record_pid(pid: int) -> None:
    """Appends a started process's PID to $RELABEL_TEST_PIDFILE, so ci.sh can kill it whatever happens here."""
    path = os.environ.get("RELABEL_TEST_PIDFILE")
    if path:
        with open(path, "a") as f:
            f.write(f"{pid}\n")


def port_range() -> range:
    spec = os.environ.get("RELABEL_TEST_PORTS", "7610-7629")
    lo, _, hi = spec.partition("-")
    return range(int(lo), int(hi or lo) + 1)


_claimed: set = set()


def free_port() -> int:
    """The first port of the range nothing listens on and no test here has taken."""
    for port in port_range():
        if port in _claimed:
            continue
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _claimed.add(port)
        return port
    raise RuntimeError(f"no free port in {os.environ.get('RELABEL_TEST_PORTS', '7610-7629')}")


class ServiceProcess:
    """One relabel process; ``restart()`` keeps its DATA_DIR and port."""

    def __init__(self, admin_token: str, extra_env: Optional[Dict[str, str]] = None) -> None:
        if not os.path.exists(MAIN):
            raise RuntimeError(f"{MAIN} is missing: run `npm run build` first")
        self.data_dir = tempfile.mkdtemp(prefix="relabel-py-", dir=os.environ.get("RELABEL_TEST_TMP"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = admin_token
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DATA_DIR": self.data_dir,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "ADMIN_TOKEN": admin_token,
            "LOG_LEVEL": "warn",
            "NODE_OPTIONS": "--max-old-space-size=256",
            **(extra_env or {}),
        }
        self.log_path = os.path.join(self.data_dir, "service.log")
        self.proc: Optional[subprocess.Popen] = None
        _running.append(self)

    def start(self, timeout: float = 90.0) -> "ServiceProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["node", MAIN], cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        record_pid(self.proc.pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"relabel exited with {self.proc.returncode} before it was healthy:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"relabel did not become healthy within {timeout:g}s:\n{self.output()}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kills the process (and its process group) by PID and waits for it."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)

    def restart(self, sig: int = signal.SIGKILL) -> None:
        self.kill(sig)
        self.start()

    def output(self, tail: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-tail:].decode(errors="replace")
        except OSError:
            return ""

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self in _running:
            _running.remove(self)


@atexit.register
def _kill_all() -> None:
    for service in list(_running):
        service.close()
