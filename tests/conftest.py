import pytest
from django.conf import settings
from django.utils import translation

from agreements.demo import load_demo


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request in English earlier in the same
    thread (the locale middleware activates the visitor's language) must not leak into it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db):
    """The two seed cases and demo users, as `make run` loads them."""
    load_demo(password="iop-demo")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.se", "pw-test-1234")
