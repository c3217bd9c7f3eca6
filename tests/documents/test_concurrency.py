"""Two issues at once take different version numbers (the agreement row is locked)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from agreements.models import DocumentKind, IssuedDocument
from agreements.services.documents import issue_document

from .helpers import vasterbotten_agreement


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers by locking the file"
)
def test_concurrent_issues_take_consecutive_versions(demo):
    agreement = vasterbotten_agreement()
    by = get_user_model().objects.get(username="region.vasterbotten")
    start, errors = threading.Barrier(3), []

    def issue():
        try:
            start.wait()
            issue_document(agreement=agreement, kind=DocumentKind.AGREEMENT, by=by)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    issued = IssuedDocument.objects.filter(agreement=agreement).order_by("version")
    assert [d.version for d in issued] == [1, 2, 3]
    assert [d.replaces_id for d in issued] == [None, issued[0].pk, issued[1].pk]
