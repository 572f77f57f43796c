"""Counselors' Markdown to safe HTML, and a material split into slides.

Markdown lets raw HTML through, so every rendering goes through nh3 (the Ammonia
sanitiser) with a short allow-list: no scripts, no event handlers, no styles,
links only to http(s), mailto and tel, images only from this server.
"""

import re

from markupsafe import Markup
from markupsafe import escape

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# A line of three or more dashes (alone) ends a slide.
SLIDE_BREAK = re.compile(r"^ {0,3}-{3,}\s*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"<(/?)h([1-5])\b")
# A link whose text is its own path on this server ("[/kotak](/kotak)"): an address for
# people to type from a projector or a forwarded message, so it is shown whole.
BARE_PATH_LINK = re.compile(r'<a href="(/(?!/)[^"<>]*)">\1</a>')


def _same_site_images(tag, attribute, value):
    # The CSP would block other hosts anyway; dropping the URL avoids a broken image.
    if tag == "img" and attribute == "src" and (not value.startswith("/")
                                                 or value.startswith("//")):
        return None
    return value


def sanitise(html):
    # Imported here, as markdown below: a worker that serves no material (the chat's) does
    # not carry them (tests/test_hardening_dependencies.py).
    import nh3

    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True,
                     attribute_filter=_same_site_images)


def render(text, heading_shift=1, base=""):
    """Markdown to sanitised HTML. Headings move down `heading_shift` levels, because the
    page around the text already has its <h1>. With `base` (the school's address), links
    that show a bare path show the full address instead."""
    import markdown

    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"],
                             output_format="html")
    if base:
        base = escape(base)
        html = BARE_PATH_LINK.sub(lambda m: f'<a href="{base}{m[1]}">{base}{m[1]}</a>', html)
    if heading_shift:
        html = HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + heading_shift, 6)}", html)
    return Markup(sanitise(html))


def split_slides(text):
    """The Markdown of each slide: split on `---` lines outside fenced code, empty ones dropped."""
    slides, current, fence = [], [], None
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        opening = FENCE.match(line)
        if opening and (fence is None or opening.group(1)[0] == fence[0]):
            fence = None if fence else opening.group(1)
        if fence is None and SLIDE_BREAK.match(line):
            slides.append("\n".join(current))
            current = []
            continue
        current.append(line)
    slides.append("\n".join(current))
    return [slide.strip("\n") for slide in slides if slide.strip()]


def render_slides(text, base=""):
    return [render(slide, base=base) for slide in split_slides(text)]


def render_page(text, base=""):
    """The whole material as one page: its slides with a rule between them."""
    return Markup("<hr>").join(render_slides(text, base))
