"""Extension objects, created unbound and bound to the app in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mailman import Mail
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .devices import device_key

# Stable constraint names, so that Alembic can alter them (SQLite batch mode
# needs a name for every constraint it recreates).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
socketio = SocketIO()
compress = Compress()
mail = Mail()
# The storage comes from RATELIMIT_STORAGE_URI (config.py). A moving window: a phone
# that sent ten stories at 10:09 waits until 10:19, not merely until 10:10. When Redis
# cannot be reached the routes count in this process's memory instead of failing.
limiter = Limiter(key_func=device_key, strategy="moving-window", in_memory_fallback_enabled=True)


def enum_column(kind, length=16):
    """A string column holding an Enum's values (not its names), without a database enum type,
    so that SQLite and PostgreSQL store the same text and migrations need no type changes."""
    return sa.Enum(kind, native_enum=False, length=length,
                   values_callable=lambda members: [member.value for member in members])
