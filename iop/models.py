"""The session table, with each session's user (iop.sessions)."""

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """A session as Django's database backend keeps it, plus the id of its signed-in user,
    so that all of one user's sessions are found (and ended) by an index, not by decoding
    every session."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "iop_user_session"
