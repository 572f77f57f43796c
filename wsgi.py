"""Entry point: `gunicorn -k gevent -w 1 wsgi:app`, or `flask --app wsgi <command>`."""

from cyberbk import create_app
from cyberbk.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=app.config["HOST"], port=int(app.config["PORT"]))
