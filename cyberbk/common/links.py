"""Paths to pages from code that may run outside a request (the alert worker, a CLI
command, a test's factory), where url_for needs SERVER_NAME."""

from flask import current_app
from flask import has_request_context
from flask import request
from flask import url_for


def path_for(endpoint, **values):
    """The path of `endpoint`: url_for's in a request, the URL map's otherwise."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def public_address(path):
    """The absolute address of a path on this server, as students reach it: the outreach
    setting OUTREACH_PUBLIC_URL when set, else the address of the current request."""
    base = current_app.config["OUTREACH_PUBLIC_URL"] or request.host_url
    return base.rstrip("/") + path
