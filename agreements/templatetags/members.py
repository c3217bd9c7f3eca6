from django import template

from agreements.access import ADMINISTRATOR, COORDINATOR, is_any

register = template.Library()


@register.filter
def may_manage_some_members(user):
    """Whether the menu offers "Medlemmar": the user holds a role that manages some
    organisation's members (read from the memberships already loaded, no query; the page
    itself answers which organisations)."""
    return is_any(user, ADMINISTRATOR, COORDINATOR)
