"""A stub of the metadata sources on 127.0.0.1: arXiv's export API, Crossref's works API and some
pages, answering with recorded responses (tests/metadata_fixtures.py). The code under test does
real HTTP to it; the `stub` fixture points the settings there."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from . import metadata_fixtures as recorded

ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"

ARXIV = {
    "1706.03762": recorded.ATTENTION,
    "2501.08292": recorded.HALOGEN,
    "2401.99999": recorded.ARXIV_ERROR,
    "2402.99999": recorded.ARXIV_EMPTY,
    "2403.00001": recorded.ARXIV_MALFORMED,
}
PAGES = {
    "/highwire": (200, HTML, recorded.HIGHWIRE),
    "/opengraph": (200, HTML, recorded.OPENGRAPH),
    "/title-only": (200, HTML, recorded.TITLE_ONLY),
    "/no-title": (200, HTML, recorded.NO_TITLE),
    "/works/10.1038/nature14539": (200, JSON, recorded.NATURE),
    "/works/10.1000/missing": (404, "text/plain", "Resource not found."),
    "/works/10.1000/broken": (200, JSON, '{"status": "ok", "message": {"title": ['),
    "/error": (503, "text/plain", "Service Unavailable"),
    "/pdf": (200, "application/pdf", "%PDF-1.4"),
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, content_type, body, headers=()):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = urlsplit(self.path)
        path = parts.path
        self.server.requests.append(self.path)
        if path == "/api/query":
            found = ARXIV.get(parse_qs(parts.query).get("id_list", [""])[0])
            return self.send(200, ATOM, found or recorded.ARXIV_EMPTY)
        if path in PAGES:
            return self.send(*PAGES[path])
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/highwire" if left <= 1 else f"/redirect/{left - 1}"
            return self.send(302, "text/plain", "", [("Location", target)])
        if path == "/to-loopback":
            return self.send(
                302, "text/plain", "", [("Location", f"http://127.0.0.1:{self.server.server_port}/highwire")]
            )
        if path == "/slow":
            time.sleep(2.5)
            return self.send(200, HTML, recorded.TITLE_ONLY)
        if path == "/huge":  # no Content-Length: read until the cap
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.end_headers()
            self.wfile.write(b"<html><head><title>big</title></head><body>")
            for _ in range(40):
                self.wfile.write(b"x" * 10_000)
            return None
        if path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", str(50 * 2**20))
            self.end_headers()
            return None
        if path == "/latin1":
            return self.send(200, "text/html; charset=iso-8859-1", recorded.LATIN1.encode("latin-1"))
        return self.send(404, "text/plain", "Not found")


@pytest.fixture
def stub(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.IDL_ARXIV_API = f"{base}/api/query"
    settings.IDL_CROSSREF_API = f"{base}/works"
    settings.IDL_METADATA_ALLOW_PRIVATE = True
    settings.IDL_METADATA_TIMEOUT = 1
    settings.IDL_METADATA_MAX_BYTES = 100_000
    settings.IDL_METADATA_PAUSE = 0
    server.base = base
    yield server
    server.shutdown()
    server.server_close()
