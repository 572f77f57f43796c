"""The poster, drawn from the school's settings: A4 page, square SVG and square PNG."""

import textwrap
from dataclasses import dataclass
from functools import lru_cache

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..school.services import get_settings as school_settings
from . import raster
from . import services

SQUARE = 1080
#: The QR code's square on the SVG poster.
QR_SIDE = 400
#: Brand, white, ink, calm: the colours of app.css.
PALETTE = ("#0b5d55", "#ffffff", "#1b1f23", "#e8f3f1")
BRAND, WHITE, INK, CALM = range(4)
# Passed in rather than written in the SVG template: Babel extracts from .html templates only.
TITLE = _l("Layanan BK daring")
SCAN_HINT = _l("Pindai kode QR atau buka")


def short(url):
    """An address without the scheme, as people type it."""
    return url.split("://", 1)[-1].rstrip("/")


@dataclass
class Way:
    title: str
    text: str
    #: Where to type it in, or None when the link comes another way.
    address: str | None


@dataclass
class Poster:
    school: object
    headline: str
    tagline: str
    ways: list
    home_url: str

    @property
    def short_url(self):
        return short(self.home_url)


def poster():
    headline, tagline = services.poster_texts()
    ways = [
        Way(_("Kotak masalah"), _("Tulis ceritamu tanpa menyebut nama."),
            short(services.public_url("problembox.new"))),
        Way(_("Jadwal konseling"), _("Pilih waktu untuk chat atau video dengan Guru BK."),
            short(services.public_url("booking.index"))),
        Way(_("Angket"), _("Isi angket dari Guru BK. Tautannya dibagikan wali kelas."), None),
    ]
    return Poster(school_settings(), headline, tagline, ways, services.public_url("main.index"))


def lines(text, width):
    return textwrap.wrap(text, width) or [""]


def square_svg(data):
    """1080x1080 SVG for Instagram and WhatsApp status."""
    modules = services.qr_code(data.home_url).symbol_size(border=2)[0]
    scale = QR_SIDE // modules
    return render_template(
        "outreach/poster_square.svg", poster=data, size=SQUARE,
        headline=lines(data.headline, 26)[:3], tagline=lines(data.tagline, 60)[:2],
        school_lines=lines(data.school.name, 40)[:2],
        ways=[(way, lines(way.text, 34)[:3]) for way in data.ways],
        qr=services.qr_svg(data.home_url, scale=scale, omitsize=False), scan_hint=SCAN_HINT,
        qr_offset=(QR_SIDE - modules * scale) // 2)


def square_png(data):
    return _png(data.school.name, data.home_url, str(TITLE), str(SCAN_HINT))


@lru_cache(maxsize=8)
def _png(school_name, home_url, title, scan_hint):
    canvas = raster.Canvas(SQUARE, SQUARE, PALETTE, background=BRAND)
    y = 72
    canvas.centred_text(y, raster.printable(title), 9, WHITE)
    y += 7 * 9 + 36
    for line in lines(raster.printable(school_name), 26)[:2]:
        canvas.centred_text(y, line, 6, CALM)
        y += 7 * 6 + 16
    card, top = 560, max(y + 24, 300)
    left = (SQUARE - card) // 2
    canvas.rect(left, top, card, card, WHITE)
    qr = services.qr_code(home_url)
    size = qr.symbol_size(border=0)[0]
    module = card // (size + 8)
    origin_x = left + (card - size * module) // 2
    origin_y = top + (card - size * module) // 2
    for row, modules in enumerate(qr.matrix_iter(border=0)):
        for column, dark in enumerate(modules):
            if dark:
                canvas.rect(origin_x + column * module, origin_y + row * module, module, module,
                            INK)
    y = top + card + 36
    canvas.centred_text(y, raster.printable(scan_hint), 4, WHITE)
    address = raster.printable(short(home_url))
    scale = next((s for s in (6, 5, 4, 3) if raster.text_width(address, s) <= SQUARE - 80), 2)
    canvas.centred_text(y + 7 * 4 + 20, address, scale, WHITE)
    return canvas.png()
