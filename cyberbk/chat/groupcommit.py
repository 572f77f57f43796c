"""Group commit: rows that arrive together share one durable transaction.

Every row is committed (synchronous=FULL) before its sender hears of it. One
transaction per row costs a turn at SQLite's single write lock, a commit and its
wait for the disk each; a few hundred chat messages a second would queue on that
lock one by one. So the first caller to come takes the turn, yields once so that the
events already read off their sockets can queue their rows too, then stores all that are queued in one short transaction
and settles every one. Nobody is answered before that commit. Under light load the
batch is that one row and nothing waits.

The write transaction never spans a yield: from the insert (where database.py's
write gate opens the transaction) to the commit nothing gives the loop away, so
another greenlet never meets a half-open write.
"""

import threading
from dataclasses import KW_ONLY
from dataclasses import dataclass

from ..extensions import db
from ..extensions import socketio


@dataclass(eq=False)
class Pending:
    """One caller's row, settled (done) by the batch that stores it."""

    values: dict
    # A kind of row may add fields of its own (what its store gives back), after `values`.
    _: KW_ONLY
    error: Exception | None = None
    done: bool = False


class GroupCommit:
    """One per kind of row and per process: the queue waiting for the next commit.

    `store_batch(batch)` writes the batch's rows in one transaction; when it raises, every
    row of the batch gets the error and none is stored.
    """

    def __init__(self, store_batch):
        self.store_batch = store_batch
        self.queue = []
        #: Held by the caller whose transaction stores the queue; the others wait their turn.
        self.turn = threading.Lock()
        #: Guards the queue itself where callers are real threads (threading mode).
        self.guard = threading.Lock()

    def submit(self, item):
        """Queue `item`, wait until a commit has stored it, and return it (or raise the
        store's error)."""
        # Waiting must not hold a pooled connection (the turn's holder needs one): end
        # the caller's transaction, which has read only, or written something of its own.
        session = db.session()
        if session.in_transaction():
            session.commit()
        with self.guard:
            self.queue.append(item)
        with self.turn:
            if not item.done:
                socketio.sleep(0)
                with self.guard:
                    batch, self.queue = self.queue, []
                self.write(batch)
        if item.error is not None:
            raise item.error
        return item

    def write(self, batch):
        """Store the batch in one transaction and settle every item, whatever happens."""
        try:
            self.store_batch(batch)
        except Exception as error:  # every waiting caller gets the failure, not a silent hang
            for item in batch:
                item.error = error
        finally:
            for item in batch:
                item.done = True
