"""Session engine: Django's database sessions, each row marked with its signed-in user
(SESSION_ENGINE = "iop.sessions"), so that a user's sessions end at once when the user is
removed from an organisation (agreements.services.members.remove_member)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from iop.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session


def end_sessions_of(user):
    """Log the user out everywhere: delete every stored session of theirs."""
    SessionStore.get_model_class().objects.filter(user_id=user.pk).delete()
