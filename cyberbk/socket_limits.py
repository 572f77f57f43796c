"""The size limit of Socket.IO traffic, and a guard in front of Engine.IO's long-polling POSTs.

Engine.IO refuses a long-polling POST larger than its buffer, but then closes the
session and waits until a poll has taken the close packet. A client that never polls
(one sending oversized POSTs on purpose) leaves each such request waiting for ever,
holding its worker greenlet and its connection: a few hundred of them and the server
runs out of file descriptors. Refused here, before Engine.IO sees it, the request is
answered at once.
"""

from werkzeug.exceptions import RequestEntityTooLarge

#: What a chat message needs (2,000 characters, up to 4 bytes each in UTF-8, in JSON),
#: with room to spare; far below Engine.IO's default of 1 MB.
BUFFER_BYTES = 64 * 1024
SOCKETIO_PATH = "/socket.io/"


class PollingSizeLimit:
    """WSGI middleware in front of Socket.IO's: a 413 for a Socket.IO POST that declares
    more than `limit` bytes. Any other path goes straight to the app behind Socket.IO's
    middleware, which would only hand it on after copying the environ and building a
    class for it (a few percent of a form POST's time)."""

    def __init__(self, socketio_middleware, limit=BUFFER_BYTES):
        self.wsgi_app = socketio_middleware
        self.app = socketio_middleware.wsgi_app
        self.limit = limit

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH):
            return self.app(environ, start_response)
        if (environ.get("REQUEST_METHOD") == "POST"
                and self.too_long(environ.get("CONTENT_LENGTH") or "0")):
            return RequestEntityTooLarge()(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def too_long(self, length):
        return not length.isdigit() or int(length) > self.limit
