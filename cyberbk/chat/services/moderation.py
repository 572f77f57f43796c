"""What a message must pass: clean text, within the length and the rate limits."""

import unicodedata

from ... import ratelimit
from .rules import config
from .rules import refusal


def clean_body(raw):
    """The text of a message as it will be stored, or Refused.

    Control characters go (except line breaks and tabs), and so do lone
    surrogates, which no database column can hold. Nothing is interpreted as
    markup: templates and chat.js show it as text.
    """
    if not isinstance(raw, str):
        raise refusal("not_text")
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text
                   if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")).strip()
    if not text:
        raise refusal("empty")
    if len(text) > config("CHAT_MAX_CHARS"):
        raise refusal("too_long")
    return text


def take_message_slot(client):
    """Count one message of `client` (a socket id or a person), or Refused when too fast."""
    if not ratelimit.hit(config("CHAT_RATE_LIMIT"), "chat-message", client):
        raise refusal("rate")


def take_signal_slot(sid):
    """Count one typing, read or sync signal of socket `sid`; False when too many."""
    return ratelimit.hit(config("CHAT_SIGNAL_LIMIT"), "chat-signal", sid)
