"""The production app (wsgi:app) with one route more, for tests/test_deploy.py only: what
Flask believes about a request once ProxyFix has read the proxy's headers, which no page
of the app shows."""

from flask import jsonify
from flask import request

from wsgi import app


@app.route("/_test/request")
def seen_request():
    return jsonify(remote_addr=request.remote_addr, scheme=request.scheme, host=request.host)
