"""gunicorn's settings for CyberBK, the one place for `make run`, deploy/cyberbk.service and
the bench: `gunicorn --config deploy/gunicorn.conf.py --bind ADDRESS wsgi:app`.

One gevent worker: Socket.IO keeps its clients in the process (README, "First deployment").
"""

import resource

worker_class = "gevent"
workers = 1
# Every open chat socket holds one of the worker's connections. At gunicorn's default of
# 1,000, a thousand open chats left no connection for anyone else: a new visitor's page
# waited until a socket closed. The app refuses chat sockets past CHAT_SOCKETS_PER_WORKER
# (2,000), far enough below this that pages always find a connection.
worker_connections = 4096
# Each connection is a file descriptor, and so is every database file, log and pipe. At
# systemd's default of 1,024 open files, sockets took them all and then the database could
# not be opened ("unable to open database file").
OPEN_FILES_NEEDED = worker_connections + 1024


def on_starting(server):
    """Raise the open-file limit to what the system allows (LimitNOFILE in the unit); the
    worker inherits it. Say so in the log when that is still too few."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard != resource.RLIM_INFINITY and hard < OPEN_FILES_NEEDED:
        server.log.warning("open-file limit %d is below the %d that %d connections need: "
                           "raise it (LimitNOFILE= in the systemd unit, ulimit -n)",
                           hard, OPEN_FILES_NEEDED, worker_connections)


def post_worker_init(worker):
    """The app starts serving: it clears what a previous run of this server left behind."""
    from cyberbk import serving

    serving.started(worker.wsgi, worker.cfg.bind)
