"""The reference for throughput ratios: a bare Flask "hello" under the same server config."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
