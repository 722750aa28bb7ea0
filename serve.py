"""Serve a built site on 127.0.0.1 as GitHub Pages serves it: text types gzip-compressed when the
browser accepts it, everything else as is; no folder listings and nothing outside the folder (a
link out of it is not found); a path no file can have (`/%00`) is a bad request. Standard library only.

    python build.py --serve [--port 8000]     (build, then this)

Used by `make demo`, the benchmark and the browser tests (what they measure is what a Pages visitor
downloads). It logs failed requests only; Ctrl-C or SIGTERM (`kill`) stops it quietly, exit 0.
"""
import functools
import gzip
import http.server
import io
import os
import signal
import sys
from http import HTTPStatus

# what Pages compresses: text, not images, wasm or weight shards (those gain little or are compressed already)
COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}
    quiet = False
    cache = {}  # (path, mtime) -> gzip bytes, shared by the server's threads

    def log_message(self, *args):
        if not self.quiet:
            super().log_message(*args)

    # one line per failed request (a page visit makes hundreds of good ones); send_error's own
    # "code 404, message ..." line would repeat it
    def log_request(self, code="-", size="-"):
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)

    def log_error(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if not names_a_file(path):
            self.send_error(HTTPStatus.BAD_REQUEST, "Not a file name")
            return None
        # Pages serves nothing outside the site: a link out of the folder is not found (so is a listing)
        target = os.path.join(path, "index.html") if os.path.isdir(path) else path
        root = os.path.realpath(self.directory)
        if os.path.commonpath([root, os.path.realpath(target)]) != root:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not (path.endswith(COMPRESSED) and os.path.isfile(path) and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()  # as the standard handler does: redirects, 404s, other types
        key = (path, os.stat(path).st_mtime_ns)
        if key not in self.cache:
            with open(path, "rb") as f:
                self.cache[key] = gzip.compress(f.read(), compresslevel=9, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path):  # a folder without index.html: Pages lists nothing
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None


def names_a_file(path):
    """False for a path that no file can have: with a NUL (`/%00`) or a lone surrogate (`/%ed%a0%80`)."""
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        return False
    return "\0" not in path


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a browser's idle keep-alive connection never holds up the end

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that cancelled a request: no fault
            super().handle_error(request, client_address)


def make_server(folder, port=0, quiet=False):
    """A static server for `folder` on 127.0.0.1 (port 0: any free port)."""
    handler = type("Handler", (SiteHandler,), {"quiet": quiet})
    return SiteServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))


def stop(signum, frame):
    raise KeyboardInterrupt


def serve(folder, port):
    """Serve until Ctrl-C or SIGTERM; either ends it quietly (make then prints no "*** ... Terminated")."""
    with make_server(folder, port) as httpd:
        print(f"serving {folder} on http://127.0.0.1:{httpd.server_port}/  (Ctrl-C stops)", flush=True)
        previous = signal.signal(signal.SIGTERM, stop)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
