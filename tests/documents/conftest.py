import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo users' passwords are hashed on every load; the tests here never log in by
    password, so a fast hasher keeps the fixture from dominating their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
