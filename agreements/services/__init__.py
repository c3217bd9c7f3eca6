"""Write operations with side effects, one module per area (documents, lifecycle, reminders)."""


class DomainError(Exception):
    """A refused operation; the message is translated and safe to show the user."""
