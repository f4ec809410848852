"""A real HTTP server on 127.0.0.1 standing in for an SMS gateway, started by the test.

It behaves as a real gateway should: it deduplicates on the message ``id`` (our
Idempotency-Key), so ``delivered`` holds each accepted message once, while ``requests``
keeps every POST it saw. ``mode`` makes it fail: "500", "slow" (answers after the
client's timeout) or "ok".
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            wbufsize = -1  # headers and body leave in one write (no Nagle/delayed-ACK stall per request)
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append({**body, "idempotency_key": self.headers.get("Idempotency-Key")})
                    mode = gateway.mode
                if mode == "500":
                    self._answer(500, {"error": "upstream down"})
                    return
                if mode == "slow":
                    time.sleep(1.5)  # the client gives up after 1 s
                with gateway.lock:
                    gateway.delivered.setdefault(body["id"], body)
                self._answer(202, {"message_id": "gw-" + body["id"]})

            def _answer(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    """An address on this machine where nothing listens: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/send"
