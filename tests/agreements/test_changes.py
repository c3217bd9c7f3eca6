"""The pure three-way comparison behind the conflict message."""

from agreements.changes import ADDED, CHANGED, REMOVED, FieldChange, RowChange, compare, merge


def test_only_changed_fields_are_listed():
    base = {None: {"title": "A", "notice_months": 6, "subject": ""}}
    theirs = {None: {"title": "B", "notice_months": 6, "subject": ""}}
    assert compare(base, theirs) == [RowChange(None, CHANGED, (FieldChange("title", "A", "B"),))]


def test_nothing_changed_is_no_change():
    state = {None: {"title": "A"}, 1: {"role": "public"}}
    assert compare(state, dict(state)) == []


def test_added_and_removed_rows():
    base = {1: {"party": 10, "unit": ""}}
    theirs = {2: {"party": 11, "unit": ""}}
    assert compare(base, theirs) == [
        RowChange(1, REMOVED),
        RowChange(2, ADDED, (FieldChange("party", None, 11),)),
    ]


def test_merge_takes_their_change_where_i_changed_nothing():
    base = {None: {"title": "A", "notice_months": 6}}
    theirs = {None: {"title": "A", "notice_months": 9}}
    mine = {None: {"title": "Mitt namn", "notice_months": 6}}
    merged, clashes = merge(base, theirs, mine)
    assert merged == {None: {"title": "Mitt namn", "notice_months": 9}}
    assert clashes == set()


def test_merge_keeps_mine_and_reports_a_clash_where_both_changed():
    base = {None: {"title": "A"}}
    theirs = {None: {"title": "B"}}
    mine = {None: {"title": "C"}}
    merged, clashes = merge(base, theirs, mine)
    assert merged == {None: {"title": "C"}}
    assert clashes == {(None, "title")}


def test_the_same_change_on_both_sides_is_no_clash():
    merged, clashes = merge({None: {"t": "A"}}, {None: {"t": "B"}}, {None: {"t": "B"}})
    assert merged == {None: {"t": "B"}} and clashes == set()


def test_merge_of_rows_they_removed_or_i_delete():
    base = {1: {"amount": 5}, 2: {"amount": 7}}
    theirs = {2: {"amount": 8}}
    mine = {1: {"amount": 5}, 2: None}
    merged, clashes = merge(base, theirs, mine)
    # Row 1 is gone on their side: mine stands as posted; row 2 I delete: stays deleted.
    assert merged == {1: {"amount": 5}, 2: None}
    assert clashes == set()
