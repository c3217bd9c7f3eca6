from django.apps import AppConfig
from django.db.backends.signals import connection_created


class IopConfig(AppConfig):
    """Project-wide hooks that belong to no single app."""

    name = "iop"
    verbose_name = "IOP"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .sqlite import fold_case_in_like
        from .two_factor import signals  # noqa: F401  (reads the second step at login)

        connection_created.connect(fold_case_in_like, dispatch_uid="iop.sqlite")

        guard_admin_autocomplete()


def guard_admin_autocomplete():
    """Make the admin's autocomplete widget skip submitted values that are not valid keys.

    Re-rendering a refused form, Django's AutocompleteMixin.optgroups filters the related
    model by the posted value as is; a crafted value ('abc', a NUL, a number beyond the
    column's range) then raises inside the template and answers 500 instead of the form's
    own "Välj ett giltigt alternativ" error. Found by tests/test_hostile_input.py.
    """
    from django.contrib.admin.widgets import AutocompleteMixin
    from django.core.exceptions import ValidationError

    original = AutocompleteMixin.optgroups
    if getattr(original, "guarded", False):
        return

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        valid = []
        for v in value:
            try:
                target.run_validators(target.to_python(v))
            except (ValidationError, ValueError, TypeError):
                continue
            valid.append(v)
        return original(self, name, valid, attr)

    optgroups.guarded = True
    AutocompleteMixin.optgroups = optgroups
