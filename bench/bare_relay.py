"""The reference for the chat fan-out: a bare python-socketio relay under the same server config.

It speaks the chat's protocol as the load generator uses it (namespace /chat, auth
{"chat": key}, "send" acknowledged with the message, "new_message" to the rest of the
room) with nothing else: no login, no checks, no storage.
"""

import itertools

import socketio

NAMESPACE = "/chat"

sio = socketio.Server(async_mode="gevent")
_ids = itertools.count(1)
_rooms = {}  # sid -> its chat key


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"relay"]


app = socketio.WSGIApp(sio, hello)


@sio.on("connect", namespace=NAMESPACE)
def on_connect(sid, environ, auth=None):
    _rooms[sid] = str(auth.get("chat"))
    sio.enter_room(sid, _rooms[sid], namespace=NAMESPACE)


@sio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(sid, reason=None):
    _rooms.pop(sid, None)


@sio.on("send", namespace=NAMESPACE)
def on_send(sid, data):
    message = {"id": next(_ids), "body": data.get("body"), "ref": data.get("ref")}
    sio.emit("new_message", message, to=_rooms[sid], skip_sid=sid, namespace=NAMESPACE)
    return {"ok": True, "message": message}
