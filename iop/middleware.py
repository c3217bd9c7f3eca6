from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Swedish unless the user chose another language (the set_language cookie).

    The browser's Accept-Language is ignored on purpose: many regional staff run
    English-language browsers and still expect the Swedish service.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class PrivateCacheMiddleware:
    """Mark every response to a signed-in user `Cache-Control: private, no-store`.

    Pages, PDFs and exports for a signed-in user hold an organisation's data: no shared cache
    may keep them, and the browser keeps no copy once the session is over. Public static
    files (WhiteNoise answers before this runs) and the anonymous open data stay cacheable;
    a private view open without login (the calendar feed by its token) marks itself with
    Django's cache_control(private=True, no_store=True).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
