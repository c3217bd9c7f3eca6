"""Issues at once: different forms take consecutive version numbers (the agreement row is
locked); the same form clicked several times at once issues one version."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from agreements.models import DocumentKind, IssuedDocument
from agreements.services.documents import issue_document
from agreements.services.once import submit_once

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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers by locking the file"
)
def test_parallel_clicks_on_the_same_issue_form_issue_one_version(demo):
    agreement = vasterbotten_agreement()
    by = get_user_model().objects.get(username="region.vasterbotten")
    start, errors, results = threading.Barrier(4), [], []

    def click():
        try:
            start.wait()
            issued = submit_once(
                key="the same form, four clicks",
                by=by,
                create=lambda: issue_document(
                    agreement=agreement, kind=DocumentKind.AGREEMENT, by=by
                ),
            )
            results.append(issued.pk)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    issued = IssuedDocument.objects.get(agreement=agreement)
    assert results == [issued.pk] * 4
