"""QR codes (segno) of the school's links: posters, the QR page, a laiseg on the projector."""

from markupsafe import Markup


def qr_code(url):
    # Imported here: segno costs every worker about 10 MB, and few requests draw a QR code
    # (tests/test_hardening_dependencies.py).
    import segno

    return segno.make(url, error="m", micro=False)


def qr_svg(url):
    """The QR code of `url` as inline SVG without a size, filling the width CSS gives it
    (the caller labels it)."""
    return Markup(qr_code(url).svg_inline(scale=1, border=2, dark="#1b1f23", light="#ffffff",
                                          svgclass="qr", lineclass=None, omitsize=True))
