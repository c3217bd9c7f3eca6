from .views import logout_form_action


class LogoutFormActionMiddleware:
    """Let the logout form of a single sign-on session go on to its provider's end-session
    endpoint (iop.sso.views.provider_logout_url): browsers hold a form's redirects to the
    Content-Security-Policy's form-action, which is otherwise 'self' only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A page that never read its session shows no logout form; do not load one for it.
        origin = logout_form_action(session) if session is not None and session.accessed else None
        if origin:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), origin]
            response._csp_update = update
        return response
