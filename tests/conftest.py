import pytest

from agreements.demo import load_demo


@pytest.fixture
def demo(db):
    """The two seed cases and demo users, as `make run` loads them."""
    load_demo(password="iop-demo")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.se", "pw-test-1234")
