"""The posters drawn: one function per layout over a Painter of blocks (the school's header,
the headline, the numbered steps, the QR card), sized in units of a 1080-wide poster."""

from ..common.colours import INK
from ..common.colours import WHITE
from ..common.colours import contrast
from ..common.colours import mix
from ..common.colours import text_on
from ..common.qr import qr_code
from . import raster

# Sizes are in units of a 1080-pixel-wide poster (`u`), so each layout scales alike. Each
# block measures itself with draw=False, which lets a layout share out its free space.

class Painter:
    def __init__(self, data):
        self.data = data
        self.width, self.height = data.layout.width, data.layout.height
        self.u = self.width / 1080
        self.on_primary = text_on(data.primary)
        self.on_accent = text_on(data.accent)
        self.canvas = raster.Canvas(self.width, self.height, data.primary)

    def face(self, weight, size):
        return raster.font(weight, size * self.u)

    def header(self, x, y, width):
        """The school's logo (or a plain "BK" mark) with its name and "Layanan BK daring"."""
        u, side = self.u, 104 * self.u
        gap = 28 * u
        name_face, sub_face = self.face("bold", 34), self.face("regular", 26)
        names = raster.wrap(self.data.school, name_face, width - side - gap)[:2]
        text_height = len(names) * 44 * u + 36 * u
        top = y + max(side - text_height, 0) / 2
        after = self.canvas.lines(x + side + gap, top, names, name_face, self.on_primary, 44 * u)
        self.canvas.text(x + side + gap, after + 2 * u, self.data.subtitle, sub_face,
                         self.on_primary)
        self.mark(x, y + max(text_height - side, 0) / 2, side)
        return max(side, text_height)

    def mark(self, x, y, side):
        if self.data.logo:
            self.canvas.rect(x, y, side, side, WHITE, radius=22 * self.u)
            padding = 10 * self.u
            if self.canvas.picture(self.data.logo[0], x + padding, y + padding,
                                   side - 2 * padding):
                return
        self.canvas.circle(x + side / 2, y + side / 2, side / 2, self.data.accent)
        self.canvas.text(x + side / 2, y + side / 2, "BK", self.face("heavy", 40),
                         self.on_accent, anchor="mm")

    def headline(self, x, y, width, height, sizes, max_lines, colour, draw=True):
        """The headline at the largest of `sizes` that fits `max_lines` and `height`, with
        the tagline under it when that costs the headline little; returns the height used."""
        def largest(tagline):
            blocks = (self.headline_block(width, size, max_lines, tagline) for size in sizes)
            return next((b for b in blocks if b and b[0] <= height), None)

        alone = largest(False) or self.any_headline(width, sizes[-1])
        both = largest(True)
        block = both if both and both[1].size >= alone[1].size * 0.85 else alone
        if draw:
            used, face, lines, leading, tag_face, tag_lines, tag_leading = block
            y = self.canvas.lines(x, y, lines, face, colour, leading)
            if tag_lines:
                # A short bar in the accent colour between the headline and the tagline.
                self.canvas.rect(x, y + 30 * self.u, 120 * self.u, 10 * self.u,
                                 self.data.accent, radius=5 * self.u)
                self.canvas.lines(x, y + 76 * self.u, tag_lines, tag_face, colour, tag_leading)
        return block[0]

    def any_headline(self, width, size):
        """The headline at `size` however it wraps: nothing else fitted."""
        face = self.face("heavy", size)
        lines = raster.wrap(self.data.headline, face, width, balanced=True)
        leading = size * 1.14 * self.u
        return len(lines) * leading, face, lines, leading, None, [], 0

    def headline_block(self, width, size, max_lines, tagline):
        face = self.face("heavy", size)
        lines = raster.wrap(self.data.headline, face, width, balanced=True)
        # A word alone on the last line reads as left over: a smaller size, or fewer lines.
        if len(lines) > max_lines or (len(lines) > 1 and " " not in lines[-1]):
            return None
        leading = size * 1.14 * self.u
        tag_size = max(min(size * 0.42, 36), 28)
        tag_face = self.face("regular", tag_size)
        tag_lines = raster.wrap(self.data.tagline, tag_face, width)[:3] if tagline else []
        tag_leading = tag_size * 1.45 * self.u
        used = len(lines) * leading + (76 * self.u + len(tag_lines) * tag_leading
                                       if tag_lines else 0)
        return used, face, lines, leading, tag_face, tag_lines, tag_leading

    def steps(self, x, y, width, background, circle, draw=True, scale=1.0):
        """Three steps, each numbered in a circle, `scale` times the usual size; returns the
        height used."""
        u = self.u * scale
        radius = 34 * u
        text_colour, number_colour = text_on(background), text_on(circle)
        title_face = self.face("bold", 34 * scale)
        body_face = self.face("regular", 28 * scale)
        text_x = x + 2 * radius + 26 * u
        top = y
        for number, (title, body) in enumerate(self.data.steps, start=1):
            titles = raster.wrap(title, title_face, width - (text_x - x))
            bodies = raster.wrap(body, body_face, width - (text_x - x))
            height = max(2 * radius, len(titles) * 44 * u + 6 * u + len(bodies) * 38 * u)
            if draw:
                self.canvas.circle(x + radius, y + radius, radius, circle)
                self.canvas.text(x + radius, y + radius, str(number),
                                 self.face("heavy", 34 * scale), number_colour, anchor="mm")
                after = self.canvas.lines(text_x, y + 2 * u, titles, title_face, text_colour,
                                          44 * u)
                self.canvas.lines(text_x, after + 6 * u, bodies, body_face, text_colour,
                                  38 * u)
            y += height + 36 * u
        return y - 36 * u - top

    def qr(self, x, y, width, side, draw=True):
        """The QR code with its caption and the address to type, centred in `width` on a
        white card; returns the card's height."""
        u, padding = self.u, 32 * self.u
        for size in (30, 27, 24):  # two lines at most under the code
            caption_face = self.face("bold", size)
            captions = raster.wrap(self.data.caption, caption_face, width - 2 * padding,
                                   balanced=True)
            if len(captions) <= 2:
                break
        address = self.data.short_url
        address_size = next((s for s in (28, 24, 20, 17)
                             if self.face("regular", s).getlength(address) <= width - 2 * padding),
                            15)
        address_face = self.face("regular", address_size)
        height = padding + side + 20 * u + len(captions) * 40 * u + 40 * u + padding
        if draw:
            self.canvas.rect(x, y, width, height, WHITE, radius=28 * u)
            self.canvas.qr(x + (width - side) / 2, y + padding, side,
                           qr_code(self.data.url), INK, WHITE)
            after = self.canvas.lines(x, y + padding + side + 20 * u, captions, caption_face,
                                      INK, 40 * u, align="centre", width=width)
            self.canvas.text(x + width / 2, after + 4 * u, address, address_face, INK,
                             anchor="ma")
        return height

    def marker_on_white(self):
        """The school's colour for the step circles on white paper: one that stands out
        from white (3:1, WCAG's measure for shapes), else ink."""
        return next((c for c in (self.data.primary, self.data.accent)
                     if contrast(c, WHITE) >= 3), INK)

    def decoration(self, cx, cy, radius):
        """A soft disc, tone on tone, where no text goes."""
        self.canvas.circle(cx, cy, radius, mix(self.data.primary, self.on_primary, 0.09))

    def footer(self, y, colour):
        self.canvas.text(self.width / 2, y, self.data.footer, self.face("bold", 28), colour,
                         anchor="ma")


def draw(data):
    painter = Painter(data)
    {"persegi": square, "story": story, "a4": a4}[data.layout.key](painter)
    return painter.canvas


def square(p):
    """Header; the headline as big as fits; a white card with the steps and the QR code."""
    u, margin = p.u, 64 * p.u
    p.decoration(p.width + 30 * u, -30 * u, 200 * u)
    header = p.header(margin, margin, p.width - 2 * margin - 180 * u)
    inner = p.width - 2 * margin
    padding, qr_width = 40 * u, 330 * u
    steps_width = inner - 2 * padding - qr_width - 24 * u
    steps = p.steps(0, 0, steps_width, WHITE, p.marker_on_white(), draw=False)
    card = max(steps + 2 * padding, p.qr(0, 0, qr_width, 270 * u, draw=False))
    card_top = p.height - margin - card
    p.canvas.rect(margin, card_top, inner, card, WHITE, radius=32 * u)
    p.steps(margin + padding, card_top + (card - steps) / 2, steps_width, WHITE,
            p.marker_on_white())
    p.qr(margin + inner - qr_width, card_top, qr_width, 270 * u)
    top = margin + header + 48 * u
    room = card_top - 44 * u - top
    used = p.headline(margin, 0, inner, room, range(84, 46, -4), 3, p.on_primary, draw=False)
    p.headline(margin, top + (room - used) / 2, inner, room, range(84, 46, -4), 3, p.on_primary)


def story(p):
    """Header; a big headline; the steps on the colour; a large QR card; the promise."""
    u, margin = p.u, 80 * p.u
    inner = p.width - 2 * margin
    p.decoration(p.width + 40 * u, -40 * u, 260 * u)
    header = p.header(margin, margin + 24 * u, inner - 220 * u)
    footer_y = p.height - margin - 30 * u
    p.footer(footer_y, p.on_primary)
    qr_width = 580 * u
    card = p.qr(0, 0, qr_width, 480 * u, draw=False)
    card_top = footer_y - 56 * u - card
    p.qr((p.width - qr_width) / 2, card_top, qr_width, 480 * u)
    # A story fills a phone's screen: the steps are read at a glance, so larger.
    steps = p.steps(0, 0, inner, p.data.primary, p.data.accent, draw=False, scale=1.3)
    steps_top = card_top - 72 * u - steps
    p.steps(margin, steps_top, inner, p.data.primary, p.data.accent, scale=1.3)
    top = margin + 24 * u + header + 64 * u
    room = steps_top - 64 * u - top
    sizes = range(110, 54, -4)
    used = p.headline(margin, 0, inner, room, sizes, 4, p.on_primary, draw=False)
    p.headline(margin, top + (room - used) / 2, inner, room, sizes, 4, p.on_primary)


def a4(p):
    """For printing: a coloured band with the headline over white paper with the steps and
    the QR code side by side, and the promise on a thin strip at the foot."""
    u, margin = p.u, 84 * p.u
    inner = p.width - 2 * margin
    band = round(p.height * 0.53)
    strip = round(96 * u)
    p.canvas.rect(0, band, p.width, p.height - band - strip, WHITE)
    p.decoration(p.width + 20 * u, -20 * u, 230 * u)
    header = p.header(margin, margin, inner - 200 * u)
    top = margin + header + 56 * u
    room = band - margin - top
    sizes = range(100, 50, -4)
    used = p.headline(margin, 0, inner, room, sizes, 4, p.on_primary, draw=False)
    p.headline(margin, top + (room - used) / 2, inner, room, sizes, 4, p.on_primary)
    qr_width, qr_side = 400 * u, 340 * u
    steps_width = inner - qr_width - 56 * u
    steps = p.steps(0, 0, steps_width, WHITE, p.marker_on_white(), draw=False)
    card = p.qr(0, 0, qr_width, qr_side, draw=False)
    free = p.height - strip - band
    body_top = band + (free - max(steps, card)) / 2
    p.steps(margin, body_top + (max(steps, card) - steps) / 2, steps_width, WHITE,
            p.marker_on_white())
    # The QR card sits on white paper: a thin tint around it shows where it ends.
    x = margin + inner - qr_width
    p.canvas.rect(x - 3 * u, body_top - 3 * u, qr_width + 6 * u, card + 6 * u,
                  mix(WHITE, p.data.primary, 0.25), radius=31 * u)
    p.qr(x, body_top, qr_width, qr_side)
    p.footer(p.height - strip + (strip - 34 * u) / 2, p.on_primary)
