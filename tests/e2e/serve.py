"""Serve a built site on 127.0.0.1 with gzip, as static hosts such as GitHub Pages do: under a
sub-path (the site_url's path, e.g. /<repository>/), and with the site's 404.html, status 404, for
any URL that names no file.

python tests/e2e/serve.py SITE_DIR [PORT] [PATH]
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
    def __init__(self, *args, prefix: str = "/", **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def log_message(self, *args) -> None:  # quiet
        pass

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / ".outside-the-site-path")  # no file: a 404
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # redirects /page to /page/, as static hosts do
            path = path / "index.html"
        status = 200
        if not path.is_file() and (Path(self.directory) / "404.html").is_file():
            path, status = Path(self.directory) / "404.html", 404
        if path.suffix in COMPRESSIBLE and path.is_file():
            gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
            body = gzip.compress(path.read_bytes(), mtime=0) if gzipped else path.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", self.guess_type(str(path)))
            if gzipped:
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


def serve(site: Path, port: int = 0, prefix: str = "/") -> http.server.ThreadingHTTPServer:
    """Serve site under prefix in a daemon thread; the port is server.server_address[1]."""
    handler = partial(Handler, directory=str(site), prefix=prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    prefix = sys.argv[3] if len(sys.argv) > 3 else "/"
    srv = serve(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8000, prefix)
    print(f"serving {sys.argv[1]} on http://127.0.0.1:{srv.server_address[1]}{prefix}")
    threading.Event().wait()
