"""SQLite's LIKE, folding the case of every letter, not only A–Z's.

Django asks every contains, startswith, endswith and iexact lookup, with or without i, as
`value LIKE pattern ESCAPE '\\'` on SQLite, and SQLite's own LIKE folds only A–Z: on the
embedded database a search for "RÖDA" did not find "Röda", where PostgreSQL (UPPER(value) LIKE
UPPER(pattern)) does. SQLite lets an application replace the like() function
(https://sqlite.org/lang_corefunc.html#like); this one compares in lower case. As before on
SQLite (a caveat Django documents), the case-sensitive lookups ignore case too.
"""

import re
from functools import lru_cache


def fold_case_in_like(sender, connection, **kwargs):
    """connection_created receiver (IopConfig.ready): SQLite connections get like() below."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, like, deterministic=True)
        connection.connection.create_function("like", 3, like, deterministic=True)


def like(pattern, value, escape=None):
    """Whether value matches the LIKE pattern (% any run, _ one character, escape before a
    literal % or _), letters compared in lower case; NULL when either is NULL."""
    if pattern is None or value is None:
        return None
    return _compiled(str(pattern), escape).fullmatch(str(value).lower()) is not None


NOTHING = re.compile(r"(?!)")


@lru_cache(maxsize=256)
def _compiled(pattern, escape):
    parts, chars = [], iter(pattern.lower())
    for char in chars:
        if char == escape:
            escaped = next(chars, None)
            if escaped is None:  # an escape with nothing after it: SQLite matches nothing
                return NOTHING
            parts.append(re.escape(escaped))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)
