"""What someone else changed since a form was loaded, and how to keep it (pure, no Django).

Optimistic locking compares three states of the same rows: *base* (as the user loaded them),
*theirs* (as saved now by someone else) and *mine* (as the user posted them). Each state is a
mapping {row key: {field: value}}; a missing key (or None) means the row does not exist in that
state. The object itself is one row, conventionally under the key None.
"""

from dataclasses import dataclass

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class RowChange:
    key: object
    kind: str  # ADDED, REMOVED or CHANGED
    fields: tuple = ()  # FieldChange, for CHANGED (and every field for ADDED)


def changed_fields(before, after):
    """Names of the fields whose value differs, in the order of `after` then `before`."""
    before, after = before or {}, after or {}
    names = list(after) + [name for name in before if name not in after]
    return [name for name in names if before.get(name) != after.get(name)]


def compare(base, theirs):
    """RowChange for every row added, removed or changed between base and theirs."""
    changes = []
    for key in _keys(base, theirs):
        before, after = base.get(key), theirs.get(key)
        if before is None and after is None:
            continue
        if before is None:
            fields = tuple(FieldChange(n, None, v) for n, v in after.items() if v not in NOTHING)
            changes.append(RowChange(key, ADDED, fields))
        elif after is None:
            changes.append(RowChange(key, REMOVED))
        else:
            names = changed_fields(before, after)
            if names:
                fields = tuple(FieldChange(n, before.get(n), after.get(n)) for n in names)
                changes.append(RowChange(key, CHANGED, fields))
    return changes


NOTHING = (None, "")


def merge(base, theirs, mine):
    """Mine, with every field only they changed taken from theirs; and where both changed.

    Returns (merged, clashes): merged has the rows and fields of `mine`; clashes is the set of
    (row key, field) that both changed, to different values (mine is kept there).
    """
    merged, clashes = {}, set()
    for key, my_row in mine.items():
        if my_row is None:
            merged[key] = None
            continue
        before, after = base.get(key), theirs.get(key)
        row = dict(my_row)
        if before is not None and after is not None:
            for name, value in my_row.items():
                if name not in before or name not in after or before[name] == after[name]:
                    continue  # they did not change it: mine stands
                if value == before[name]:
                    row[name] = after[name]  # only they changed it: keep their change
                elif value != after[name]:
                    clashes.add((key, name))
        merged[key] = row
    return merged, clashes


def _keys(*states):
    seen = []
    for state in states:
        for key in state:
            if key not in seen:
                seen.append(key)
    return seen
