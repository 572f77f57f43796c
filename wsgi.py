"""Entry point: `gunicorn -k gevent -w 1 wsgi:app`, or `flask --app wsgi <command>`."""

import gc

from cyberbk import create_app
from cyberbk.extensions import socketio

app = create_app()
# What is loaded by now lives as long as the process. Frozen, the collector no longer
# walks it on every full collection: with 1,000 chat sockets open those took 280-400 ms
# each and made the chat's p99; fewer young collections cost a few MB.
gc.freeze()
gc.set_threshold(20_000, 20, 10)

if __name__ == "__main__":
    socketio.run(app, host=app.config["HOST"], port=int(app.config["PORT"]))
