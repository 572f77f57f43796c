"""Colours the school picks (its poster's primary and accent) and text that stays readable
on them: WCAG 2.1 relative luminance and contrast ratio."""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
#: The app's ink (app.css), and pure black for the mid tones where ink falls short.
INK = "#1b1f23"
BLACK = "#000000"
#: WCAG AA for body text; headlines could do with 3, but one rule keeps every line safe.
AA = 4.5


def normalise(text):
    """'#0B5D55', '0b5d55' or ' #0b5d55 ' as '#0b5d55'; None when it is no 6-digit hex colour."""
    text = (text or "").strip()
    if text and not text.startswith("#"):
        text = "#" + text
    return text.lower() if HEX.match(text) else None


def rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first, second):
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background):
    """White or ink, whichever reaches AA on `background`; black for the mid tones where
    neither does (any colour white fails on is light enough for 4.5:1 with black)."""
    for candidate in (WHITE, INK):
        if contrast(candidate, background) >= AA:
            return candidate
    return BLACK


def mix(colour, other, share):
    """`colour` with `share` (0..1) of `other` blended in: tints for decoration."""
    return "#" + "".join(f"{round(a + (b - a) * share):02x}"
                         for a, b in zip(rgb(colour), rgb(other)))
