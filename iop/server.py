"""What a server process does once Django is set up, before its first request."""

import gc


def settle():
    """Load the URL configuration (and with it every view), free start-up's garbage, then
    freeze what is left: modules, URL patterns and settings live as long as the worker, and
    frozen they are no longer walked by each full garbage collection, which a large export's
    many short-lived objects trigger (the Python documentation's advice for servers)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL configuration)
    gc.collect()
    gc.freeze()
