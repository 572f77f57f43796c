"""Tracebacks in the log without the rows a database quoted back.

SQLAlchemy's `hide_parameters` keeps a statement's values out of its error, but
PostgreSQL's own message carries a DETAIL with row values ("Failing row contains (…)",
"Key (…)=(…) already exists"), and that may be a student's story. Every log record with
an exception gets its text made here, with each DETAIL blanked, whatever logger or
handler (Flask's, gunicorn's) writes it: a Formatter uses a record's ready exc_text.
"""

import logging
import re
import traceback

#: From "DETAIL:" to the end of that part of the message (values may span lines): the
#: statement SQLAlchemy adds, the next exception of the chain, or the end.
DETAIL = re.compile(r"DETAIL:.*?(?=\n\[SQL:|\n\nThe above exception|\n\nDuring handling|\Z)",
                    re.DOTALL)
HIDDEN = "DETAIL: [hidden: the database's detail may quote a row]"


def scrub(text):
    return DETAIL.sub(HIDDEN, text)


def install():
    """Wrap the log record factory once (idempotent: tests make many apps)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "scrubs_details", False):
        return

    def record(*args, **kwargs):
        made = previous(*args, **kwargs)
        if made.exc_info and made.exc_info[0] is not None and not made.exc_text:
            made.exc_text = scrub("".join(traceback.format_exception(*made.exc_info)).rstrip("\n"))
        if isinstance(made.msg, str) and "DETAIL:" in made.msg:
            made.msg = scrub(made.msg)
        return made

    record.scrubs_details = True
    logging.setLogRecordFactory(record)
