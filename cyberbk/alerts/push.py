"""Web Push with the school's own VAPID key pair (pywebpush, py-vapid).

The key pair is made in the instance folder on first use and kept: browsers tie their
subscriptions to its public key, so a new pair would silence every subscribed device.
"""

import base64
import json
from email.utils import parseaddr
from pathlib import Path

from flask import current_app

KEY_FILE = "vapid_private.pem"


class Gone(Exception):
    """The push service says this subscription no longer exists (the browser left it)."""


def key_path():
    return Path(current_app.instance_path) / KEY_FILE


def vapid():
    """The school's VAPID key pair, made on first use (0600: create_app's umask)."""
    # Imported here, as pywebpush below: only the settings page and the alert worker need
    # them, not every worker's memory.
    from py_vapid import Vapid

    path = key_path()
    if not path.exists():
        pair = Vapid()
        pair.generate_keys()
        pair.save_key(str(path))
    return Vapid.from_file(str(path))


def application_server_key():
    """The public key as a browser's pushManager.subscribe() takes it (base64url, no padding)."""
    from cryptography.hazmat.primitives import serialization

    point = vapid().public_key.public_bytes(serialization.Encoding.X962,
                                            serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def send(subscription, title, body, url):
    """Send one notification; Gone when the subscription is dead, WebPushException or a
    requests error when the push service could not take it now."""
    from pywebpush import WebPushException
    from pywebpush import webpush

    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "cyberbk@localhost"
    # Flask-Mail's setting is "Name <address>" or a (name, address) pair.
    address = parseaddr(sender)[1] if isinstance(sender, str) else sender[-1]
    try:
        webpush(
            {"endpoint": subscription.endpoint,
             "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=json.dumps({"title": title, "body": body, "url": url}),
            vapid_private_key=vapid(),
            vapid_claims={"sub": f"mailto:{address}"},
            timeout=current_app.config["ALERT_SEND_TIMEOUT"],
            # Hours: an alert that waits longer is stale, the home page shows what waits.
            ttl=12 * 3600,
        )
    except WebPushException as error:
        if error.response is not None and error.response.status_code in (404, 410):
            raise Gone() from error
        raise
