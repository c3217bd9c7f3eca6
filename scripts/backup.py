"""Back up and restore the database and the media files (`make backup`, `make restore`).

backup:  <dir>/iop-YYYYmmdd-HHMMSS.dump  (PostgreSQL, pg_dump custom format)
         or  <dir>/iop-YYYYmmdd-HHMMSS.sqlite3  (SQLite, online backup API)
         and <dir>/iop-YYYYmmdd-HHMMSS.media.tar.gz (MEDIA_ROOT, when it holds files)
restore: loads such a dump into the configured (empty or replaceable) database and unpacks
         the media files into MEDIA_ROOT. Restoring replaces data: it asks for --yes.

Settings come from the environment as for the app (DATABASE_URL, MEDIA_ROOT, BACKUP_DIR).
A backup holds password hashes, sessions and calendar tokens: the folder is made 0700 and
each file is created 0600, so no other user on the server can read it at any moment.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pg_env(db):
    """libpq environment for one Django database settings dict."""
    env = dict(os.environ)
    for key, name in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def private_dir(path):
    """Make path (and missing parents) a folder only its owner may enter, even if it existed."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def private_file(path):
    """Create path empty with mode 0600; refuse one that exists (its mode could be looser)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def backup(*, db, media_root, dest, stamp=None):
    """Write a database dump and a media archive to dest; return their paths."""
    dest = Path(dest)
    stamp = stamp or datetime.now().strftime("%Y%m%d-%H%M%S")
    base = dest / f"iop-{stamp}"
    written = []
    # pg_dump and SQLite may create files of their own (a journal): 0600 as well.
    umask = os.umask(0o077)
    try:
        private_dir(dest)
        written.append(dump_database(db, base))
        media_root = Path(media_root)
        if media_root.is_dir() and any(media_root.iterdir()):
            archive = private_file(Path(f"{base}.media.tar.gz"))
            with tarfile.open(archive, "w:gz") as tar:
                tar.add(media_root, arcname="media")
            written.append(archive)
    finally:
        os.umask(umask)
    return written


def dump_database(db, base):
    """Dump the database db into a new private file beside base; return its path."""
    if db["ENGINE"].endswith("postgresql"):
        dump = private_file(base.with_suffix(".dump"))
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), db["NAME"]],
            env=pg_env(db),
            check=True,
        )
        return dump
    dump = private_file(base.with_suffix(".sqlite3"))
    source = sqlite3.connect(db["NAME"])
    target = sqlite3.connect(dump)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return dump


def restore(*, db, media_root, dump):
    """Load dump into the database db and its media archive (if any) into media_root."""
    dump = Path(dump)
    if db["ENGINE"].endswith("postgresql"):
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                db["NAME"],
                str(dump),
            ],
            env=pg_env(db),
            check=True,
        )
    else:
        shutil.copyfile(dump, db["NAME"])
    archive = Path(str(dump.with_suffix("")) + ".media.tar.gz")
    if archive.exists():
        media_root = Path(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if not member.name.startswith("media"):
                    continue
                member.name = member.name[len("media") :].lstrip("/") or "."
                tar.extract(member, media_root, filter="data")


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
    import django

    django.setup()
    from django.conf import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("--dir", default=os.environ.get("BACKUP_DIR", str(ROOT / "build" / "backups")))
    r = sub.add_parser("restore")
    r.add_argument("dump", help="the .dump or .sqlite3 file written by backup")
    r.add_argument("--yes", action="store_true", help="replace the current data")
    args = parser.parse_args()
    db = settings.DATABASES["default"]
    if args.command == "backup":
        for path in backup(db=db, media_root=settings.MEDIA_ROOT, dest=args.dir):
            print(path)
    else:
        if not args.yes:
            parser.error(f"restore replaces the data in {db['NAME']}; add --yes to go on")
        restore(db=db, media_root=settings.MEDIA_ROOT, dump=args.dump)
        print(f"Restored {args.dump} into {db['NAME']}")


if __name__ == "__main__":
    main()
