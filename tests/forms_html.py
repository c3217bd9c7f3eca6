"""A page's form as a browser would post it, read from the rendered HTML."""

import secrets
from html.parser import HTMLParser

from django.http import QueryDict


class _Forms(HTMLParser):
    """Every form on a page: (action, method, [(name, value)]) with the values a browser sends
    unchanged (ticked boxes, selected options, text as rendered; no buttons, no files)."""

    SKIPPED = {"submit", "button", "image", "reset", "file"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._text, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = (a.get("action") or "", (a.get("method") or "get").lower(), [])
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in self.SKIPPED:
            box = a.get("type") in ("checkbox", "radio")
            if not box or "checked" in a:
                self._form[2].append((a["name"], a.get("value", "on" if box else "")))
        elif tag == "textarea":
            self._text = [a.get("name"), ""]
        elif tag == "select":
            self._select = {"name": a.get("name"), "many": "multiple" in a, "on": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["on"].append(value)

    def handle_data(self, data):
        if self._text is not None:
            self._text[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._text is not None:
            name, value = self._text
            # A browser drops the newline that follows <textarea>.
            self._form[2].append((name, value.removeprefix("\n")))
            self._text = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["on"]
            if not chosen and not self._select["many"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self._form[2].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def posted_form(response, url):
    """The data the page's form that posts to url (its own address when it names none) sends:
    {name: value, or a list of values when there are several}."""
    reader = _Forms()
    reader.feed(response.content.decode())
    posting = [(action, fields) for action, method, fields in reader.forms if method == "post"]
    found = [fields for action, fields in posting if action == url] or [
        fields for action, fields in posting if action == ""
    ]
    assert len(found) == 1, f"{url}: {len(found)} forms post here"
    data = QueryDict(mutable=True)
    for name, value in found[0]:
        if name != "csrfmiddlewaretoken":
            data.appendlist(name, value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.lists()}


def fresh_token():
    """The one-time token a create page puts in its form (agreements.forms.SubmitOnceForm)."""
    return {"submit_token": secrets.token_urlsafe(32)}
