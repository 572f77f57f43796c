"""Response headers and fingerprinted static files for every request."""

import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask import g
from flask import request


def init_app(app):
    app.url_defaults(fingerprint_static)
    app.after_request(set_headers)


@lru_cache(maxsize=256)
def _file_hash(path, mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def fingerprint_static(endpoint, values):
    """Add ?v=<hash of the file> to static URLs, so they can be cached for a year."""
    if endpoint != "static" or "v" in values:
        return
    path = Path(current_app.static_folder) / values.get("filename", "")
    if path.is_file():
        values["v"] = _file_hash(str(path), path.stat().st_mtime)


def content_security_policy():
    config = current_app.config
    # The video page sets g.video_call: only there may the Jitsi server's script and frame
    # load. Elsewhere a script or frame from that domain (a Jitsi room anyone can open)
    # has no business on a page holding a student's story.
    jitsi = config.get("JITSI_DOMAIN") if g.get("video_call") else None
    return _content_security_policy(jitsi, config.get("OUTREACH_YOUTUBE_ORIGIN"),
                                    config["QUICK_EXIT_URL"])


@lru_cache(maxsize=8)
def _content_security_policy(jitsi, youtube, quick_exit_url):
    jitsi_source = f" https://{jitsi}" if jitsi else ""
    # The guide's video player, loaded only when a student taps it.
    youtube_source = f" {youtube}" if youtube else ""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self'{jitsi_source}",
        "style-src 'self'",
        "img-src 'self' data:",
        f"frame-src 'self'{jitsi_source}{youtube_source}",
        "connect-src 'self'",
        "media-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        # The quick exit posts here and is redirected to a neutral site.
        f"form-action 'self' {origin(quick_exit_url)}",
        "frame-ancestors 'self'",
    ])


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def set_headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint == "static":
        if request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        # A policy only binds documents (an SVG opened on its own is one); on a script or
        # a style sheet these headers were half a kilobyte of a student's data each.
        if response.mimetype != "image/svg+xml":
            return response
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    # Fragments and full pages share URLs: caches must keep them apart.
    response.vary.add("HX-Request")
    if request.endpoint != "static" and not g.get("public_cache"):
        # Pages may hold personal data or a session-bound CSRF token; a shared
        # phone's back button must not show them after logout.
        response.headers["Cache-Control"] = "no-store"
    return response
