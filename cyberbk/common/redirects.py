"""Where a form may send people back to after it is done."""

from urllib.parse import urlsplit


def safe_next(target):
    """Only same-site paths, so ?next= cannot send a student to another site."""
    if not target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unclosed "[" read as an IPv6 host
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target
