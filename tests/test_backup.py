"""A backup restores into an empty database with every row, document hash and media file,
and no other user on the server can read it."""

import hashlib
import importlib.util
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from agreements.demo import load_demo
from agreements.models import Agreement, IssuedDocument
from funding.models import FundingLine, Payment

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("agreements", "funding", "auth")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump/pg_restore round trip: runs in the PostgreSQL pass of .ci/run",
)


def load_backup_script():
    spec = importlib.util.spec_from_file_location("backup", ROOT / "scripts" / "backup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_counts(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The usual umask 022, under which new files are readable by every user."""
    umask = os.umask(0o022)
    yield
    os.umask(umask)


def make_backup(tmp_path, dest):
    """Run `make backup`'s command on an SQLite database holding a password hash."""
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as conn:
        conn.execute("CREATE TABLE auth_user (password TEXT)")
        conn.execute("INSERT INTO auth_user VALUES ('pbkdf2_sha256$secret')")
    conn.close()
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "rapport.pdf").write_bytes(b"%PDF-1.7\n")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{live}",
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(dest),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), "backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "existing-folder"])
def test_backup_is_readable_by_its_owner_only(tmp_path, loose_umask, existing):
    dest = tmp_path / "backups"
    if existing:
        dest.mkdir(mode=0o755)
        dest.chmod(0o755)
    result = make_backup(tmp_path, dest)
    assert result.returncode == 0, result.stderr
    written = [Path(line) for line in result.stdout.split()]
    assert [p.suffixes for p in written] == [[".sqlite3"], [".media", ".tar", ".gz"]]
    assert mode(dest) == 0o700
    assert sorted(dest.iterdir()) == sorted(written)
    for path in written:
        assert mode(path) == 0o600, path
    with sqlite3.connect(written[0]) as conn:
        assert conn.execute("SELECT password FROM auth_user").fetchall() == [
            ("pbkdf2_sha256$secret",)
        ]
    conn.close()


def test_backup_never_writes_into_a_file_that_exists(tmp_path, loose_umask):
    """A file already there may be readable by others: the backup stops rather than fill it."""
    dest = tmp_path / "backups"
    dest.mkdir()
    planted = dest / "iop-t.sqlite3"
    planted.write_bytes(b"")
    planted.chmod(0o644)
    live = tmp_path / "live.sqlite3"
    sqlite3.connect(live).close()
    with pytest.raises(FileExistsError):
        load_backup_script().backup(
            db={"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)},
            media_root=tmp_path / "no-media",
            dest=dest,
            stamp="t",
        )
    assert planted.read_bytes() == b""


@pytest.fixture
def restored_db():
    """An empty database to restore into, dropped afterwards."""
    from django.conf import settings

    db = dict(settings.DATABASES["default"])
    db["NAME"] = f"iop_restore_{uuid.uuid4().hex[:8]}"
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    backup = load_backup_script()
    env = backup.pg_env(db)
    subprocess.run(["createdb", *args, db["NAME"]], check=True, env=env)
    yield db
    subprocess.run(["dropdb", "--if-exists", *args, db["NAME"]], check=True, env=env)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_document_and_file(tmp_path, restored_db, django_user_model):
    import psycopg

    load_demo(password="iop-demo")
    admin = django_user_model.objects.get(username="admin")
    agreement = Agreement.objects.order_by("pk").first()
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    IssuedDocument.objects.create(
        agreement=agreement,
        kind="agreement",
        version=1,
        identifier="RS 2026-1",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_by=admin,
        issued_at=timezone.now(),
    )
    line = FundingLine.objects.order_by("pk").first()
    Payment.objects.create(line=line, year=2026, paid_on="2026-01-20", amount=1_726_000)
    media = tmp_path / "media"
    (media / "attachments" / "1").mkdir(parents=True)
    (media / "attachments" / "1" / "rapport.pdf").write_bytes(pdf)

    tables = sorted(
        m._meta.db_table for m in apps.get_models() if m._meta.app_label in PROJECT_APPS
    )
    with connection.cursor() as cursor:
        before = table_counts(cursor, tables)
    assert before["agreements_historicalagreement"] > 0
    assert before["funding_payment"] > 0

    backup = load_backup_script()
    written = backup.backup(
        db=connection.settings_dict, media_root=media, dest=tmp_path / "backups", stamp="t"
    )
    assert [p.name for p in written] == ["iop-t.dump", "iop-t.media.tar.gz"]
    assert mode(tmp_path / "backups") == 0o700
    assert [mode(p) for p in written] == [0o600, 0o600]

    restored_media = tmp_path / "restored-media"
    backup.restore(db=restored_db, media_root=restored_media, dump=written[0])

    with psycopg.connect(
        dbname=restored_db["NAME"],
        host=restored_db["HOST"] or "127.0.0.1",
        port=restored_db["PORT"] or 5432,
        user=restored_db["USER"],
    ) as conn:
        with conn.cursor() as cursor:
            assert table_counts(cursor, tables) == before
            cursor.execute("SELECT pdf, sha256, size FROM agreements_issueddocument")
            for stored_pdf, sha256, size in cursor.fetchall():
                assert hashlib.sha256(bytes(stored_pdf)).hexdigest() == sha256
                assert len(stored_pdf) == size
            cursor.execute("SELECT SUM(amount) FROM funding_payment")
            assert cursor.fetchone()[0] == sum(Payment.objects.values_list("amount", flat=True))
    assert (restored_media / "attachments" / "1" / "rapport.pdf").read_bytes() == pdf
