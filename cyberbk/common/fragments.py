"""Choosing between a full page and an HTMX fragment of the same template."""

from htmx_flask import request


def wants_fragment(target=None):
    """True for an HTMX request that swaps part of a page (optionally the element `target`).

    Boosted links and history restores also send HX-Request but need the whole
    page, so HX-Request alone is not enough.
    """
    htmx = request.htmx
    if not htmx or htmx.boosted or htmx.history_restore_request:
        return False
    return target is None or htmx.target == target
