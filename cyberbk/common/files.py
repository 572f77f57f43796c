"""Files written from a request (uploads, the school's logo): whole, or not at all."""

import errno
import os
import shutil

#: Out of disk, or out of the quota the app's user has on it.
NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class StorageFull(Exception):
    """Nothing was kept; the errors blueprint answers 503, as for a database that is full."""


def save(path, source):
    """Write `source` (bytes, or a binary stream read to its end) to `path`.

    It is written beside `path` and renamed into place, so a failed write (on a full disk
    the file is created, then comes up short) leaves neither a short file nor a
    half-replaced one. A full disk is raised as StorageFull.
    """
    part = path.with_name(f".{path.name}.part")
    try:
        with open(part, "wb") as out:
            if isinstance(source, bytes):
                out.write(source)
            else:
                shutil.copyfileobj(source, out)
        os.replace(part, path)
    except OSError as error:
        part.unlink(missing_ok=True)
        if error.errno in NO_SPACE:
            raise StorageFull() from error
        raise
