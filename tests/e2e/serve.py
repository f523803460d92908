"""Serve a built site on 127.0.0.1 with gzip, as static hosts such as GitHub Pages do.

python tests/e2e/serve.py SITE_DIR [PORT]
"""

from __future__ import annotations

import gzip
import http.server
import sys
import threading
from functools import partial
from pathlib import Path

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".yml", ".txt", ".map")


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # redirects /page to /page/, as static hosts do
            path = path / "index.html"
        if (
            path.suffix in COMPRESSIBLE
            and path.is_file()
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            body = gzip.compress(path.read_bytes(), mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def serve(site: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """Start serving in a daemon thread; the server's port is server.server_address[1]."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), partial(Handler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    srv = serve(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8000)
    print(f"serving {sys.argv[1]} on http://127.0.0.1:{srv.server_address[1]}/")
    threading.Event().wait()
