"""The Socket.IO message queue (SOCKETIO_MESSAGE_QUEUE, Redis): whether it is up, and
what this process tells its features when that changes.

python-socketio's RedisManager hides an outage: a failed publish is logged and dropped,
and its listener retries after 1, 2, 4 … up to 60 seconds. With Redis down for 45
seconds every message was stored and acknowledged, none reached the other processes,
nobody was told, and the listener came back 19 seconds after Redis did. WatchedRedisManager
keeps the library's work (publish, listen, dispatch) and adds:

- a state, `up`, that the listener sets: down when its connection fails or a publish
  fails, up again once it has subscribed anew. Only the listener may say "up": a
  process hears the others only while it is subscribed, so "up" means that from now on
  what they emit reaches it.
- `epoch`, counted up at every return: whoever knows what was true at one epoch (a
  socket that caught up from the database) knows whether an outage has come between.
- the listener retries every RETRY_SECONDS, not after a growing wait: one connection
  attempt a second while Redis is away is nothing to it, and clients catch up within a
  few seconds of its return.
- short socket timeouts, so that a publish to an unreachable Redis holds a sender's
  acknowledgement for a second, not for the operating system's minutes.

Every change is announced with signals.message_queue_changed (sender: the app, `up`),
from the listener's greenlet or from the emit that failed; no request context.
"""

import logging
import time
from dataclasses import dataclass

import socketio
from flask import current_app

from .common import signals

log = logging.getLogger("cyberbk")

#: Seconds between two attempts to subscribe again while Redis is away.
RETRY_SECONDS = 1
#: How long the listener waits for a message before it looks whether a publish failed.
POLL_SECONDS = 1
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}


@dataclass(frozen=True)
class AlwaysUp:
    """The state of a process without a message queue: its one process hears every emit."""

    up: bool = True
    epoch: int = 0


def client_manager(app):
    """Flask-SocketIO's `client_manager` option for SOCKETIO_MESSAGE_QUEUE: a
    WatchedRedisManager for Redis; None without a queue (said outright: Flask-SocketIO
    keeps the options of an earlier app, its queue included); for any other kind of
    queue, nothing (Flask-SocketIO makes its own, unwatched)."""
    url = app.config["SOCKETIO_MESSAGE_QUEUE"]
    if not url:
        return {"client_manager": None}
    if not url.startswith(("redis://", "rediss://")):
        return {}
    watched = WatchedRedisManager(app, url)
    app.extensions["message_queue"] = watched
    return {"client_manager": watched}


def status():
    """This process's queue: `.up` and `.epoch` (AlwaysUp without a watched queue)."""
    return current_app.extensions.get("message_queue") or AlwaysUp()


class WatchedRedisManager(socketio.RedisManager):
    """RedisManager that knows, and says, whether this process is on the queue."""

    def __init__(self, app, url, channel="flask-socketio"):
        # The channel is Flask-SocketIO's own default: processes of an older release and
        # of this one still hear each other during a rolling restart.
        super().__init__(url, channel=channel, redis_options=dict(REDIS_OPTIONS))
        self.app = app
        #: Not known to be down: the first failure says otherwise.
        self.up = True
        self.epoch = 0

    def went_down(self, error):
        if not self.up:
            return
        self.up = False
        log.warning("message queue unreachable (%s): messages are stored, and live only "
                    "within this process until it returns", error.__class__.__name__)
        signals.message_queue_changed.send(self.app, up=False)

    def went_up(self):
        if self.up:
            return
        self.up = True
        self.epoch += 1
        log.warning("message queue reachable again")
        signals.message_queue_changed.send(self.app, up=True)

    def _publish(self, data):
        # One attempt, not the library's two each logged as an error: at a few hundred
        # messages a second an outage would write a log line for each. The listener
        # subscribes again and says when the queue is back.
        try:
            if not self.connected:
                self._redis_connect()
            return self.redis.publish(self.channel, self.json.dumps(data))
        except Exception as error:  # redis' errors, and OSError beneath them
            self.connected = False
            self.went_down(error)
            return None

    def _redis_listen_with_retries(self):
        pubsub = None
        while True:
            try:
                if pubsub is None or not self.up:
                    # Subscribed anew also after a failed publish: the connection it
                    # shares the Redis with may have missed messages unnoticed.
                    pubsub = self._subscribe(pubsub)
                    self.went_up()
                message = pubsub.get_message(timeout=POLL_SECONDS)
                if message is not None:
                    yield message
            except Exception as error:  # whatever breaks the connection: try again
                self.went_down(error)
                pubsub = self._close(pubsub)
                time.sleep(RETRY_SECONDS)

    def _subscribe(self, old):
        """A connection of the listener's own (a failed publish replaces the shared one)."""
        self._close(old)
        client = self._get_redis_module().Redis.from_url(self.redis_url, **self.redis_options)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)
        return pubsub

    @staticmethod
    def _close(pubsub):
        if pubsub is not None:
            try:
                pubsub.close()
            except Exception:  # a connection already broken: nothing left to close
                pass
        return None
