"""The site as the browser tests, the benchmark and the screenshots open it: built from the committed
models and served on 127.0.0.1 as GitHub Pages serves it (serve.py: gzip for text types)."""
import contextlib
import threading

import build
import serve


@contextlib.contextmanager
def served(out):
    """Build the site into folder `out` and serve it on an ephemeral port; -> its URL. The server
    stops when the block ends."""
    build.build(out)
    server = serve.make_server(out, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
