"""A small HTTP proxy on a real socket that answers scripted faults before forwarding to relabel.

``script`` is a list of actions applied to matching requests in order, one per request:
``(status, headers)`` answers that status with a JSON error body, ``"reset"`` closes the connection
without an answer; when the script is used up, requests are forwarded to the upstream service.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple, Union

import httpx

Action = Union[str, Tuple[int, Dict[str, str]]]


class FaultyProxy:
    def __init__(self, upstream: str, port: int, script: List[Action], path_prefix: str = "/api/v1/") -> None:
        self.upstream = upstream
        self.script = list(script)
        self.path_prefix = path_prefix
        self.requests: List[Tuple[str, str, Any]] = []  # (method, path, status or "reset"/"forwarded")
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    action = proxy.script.pop(0) if proxy.script and self.path.startswith(proxy.path_prefix) else None
                    proxy.requests.append((self.command, self.path, action if action is not None else "forwarded"))
                if action == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if isinstance(action, tuple):
                    status, headers = action
                    payload = json.dumps({"statusCode": status, "error": "Injected", "message": f"injected_{status}"}).encode()
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
                upstream = httpx.request(self.command, proxy.upstream + self.path, content=body, headers=headers, timeout=30)
                self.send_response(upstream.status_code)
                for k, v in upstream.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(upstream.content)))
                self.end_headers()
                self.wfile.write(upstream.content)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultyProxy":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self, outcome: Any) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r[2] == outcome)
