"""A tiny threaded HTTP server base for local stand-ins of external APIs."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class JsonHandler(BaseHTTPRequestHandler):
    standin = None  # set on the subclass made per server

    def log_message(self, *args):  # quiet
        pass

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, payload) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Standin:
    """Start/stop a stand-in on 127.0.0.1 (a free port) in a background thread."""

    handler_class: type[JsonHandler] = JsonHandler

    def __init__(self):
        self.lock = threading.Lock()
        handler = type("Handler", (self.handler_class,), {"standin": self})
        self.server = StandinServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
