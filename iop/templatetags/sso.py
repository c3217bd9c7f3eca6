"""The login page's single sign-on buttons."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def sso_providers():
    """The configured identity providers, in the order OIDC_PROVIDERS lists them."""
    return settings.OIDC_PROVIDERS
