"""Fixtures for the tests (the data home and download guard live in the root conftest.py)."""

import functools
import http.server
import threading

import pytest


@pytest.fixture
def local_server(tmp_path):
    """Serve a folder over HTTP on localhost; returns ``(folder, base_url)``.

    Download tests use it in place of the pinned public URLs, so that they
    exercise the real download path (scikit-learn's ``fetch_file``) offline.
    """
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
