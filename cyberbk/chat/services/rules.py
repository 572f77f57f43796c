"""What every part of the chat shares: its settings, the two sides and the refusals."""

import enum

from flask import current_app
from flask_babel import gettext as _

NAMESPACE = "/chat"

DEFAULTS = {
    "CHAT_MAX_CHARS": 2000,
    # Messages per socket, and per person for the no-JavaScript form.
    "CHAT_RATE_LIMIT": "8 per 10 seconds",
    # Typing, read and sync signals per socket; past it they are dropped silently.
    "CHAT_SIGNAL_LIMIT": "40 per 10 seconds",
    "CHAT_PAGE_SIZE": 50,
    "CHAT_SYNC_BATCH": 200,
    # Open chat sockets one process takes; one more is refused with "full". Below gunicorn's
    # worker_connections (deploy/gunicorn.conf.py) so that pages always find a connection.
    "CHAT_SOCKETS_PER_WORKER": 2000,
    # Seconds video.js waits for the Jitsi server before offering the chat instead.
    "JITSI_PROBE_SECONDS": 8,
    # None: embed, except on meet.jit.si (it ends embedded calls after 5 minutes).
    "JITSI_EMBED": None,
    # Both set: video rooms need a JWT signed with the secret (self-hosted Jitsi).
    "JITSI_APP_ID": None,
    "JITSI_APP_SECRET": None,
}


def config(name):
    return current_app.config.get(name, DEFAULTS[name])


class Side(str, enum.Enum):
    STUDENT = "student"
    COUNSELOR = "counselor"


class Refused(Exception):
    """A message or event is not accepted; `reason` for programs, str() for people."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def idle_seconds(seat):
    """How long a socket may go without its person doing anything, as their login may."""
    minutes = (current_app.config["STAFF_IDLE_MINUTES"] if seat.side == Side.COUNSELOR
               else current_app.config["STUDENT_IDLE_MINUTES"])
    return minutes * 60


def refusal(reason):
    messages = {
        "empty": _("Pesannya masih kosong."),
        "not_text": _("Yang bisa dikirim hanya teks."),
        "too_long": _("Pesanmu terlalu panjang: paling banyak %(num)d huruf. Bagi jadi beberapa "
                      "pesan, ya.", num=config("CHAT_MAX_CHARS")),
        "rate": _("Pelan-pelan, ya: terlalu banyak pesan dalam waktu singkat. Tunggu beberapa "
                  "detik, lalu kirim lagi."),
        "ended": _("Sesi ini sudah selesai, jadi pesan baru tidak bisa dikirim lagi."),
        "not_confirmed": _("Sesi ini belum dikonfirmasi Guru BK."),
        "no_consent": _("Sesi dimulai setelah siswa memberi persetujuan untuk konseling."),
        "signed_out": _("Kamu sudah keluar. Masuk lagi untuk melanjutkan chat."),
        "idle": _("Chat ditutup karena lama tidak ada aktivitas. Muat ulang halaman untuk "
                  "melanjutkan."),
        "full": _("Ruang chat sedang penuh, coba lagi sebentar."),
        "busy": _("Chat belum bisa tersambung karena server sedang sibuk, coba lagi sebentar."),
    }
    return Refused(reason, messages[reason])
