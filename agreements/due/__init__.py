"""The dashboard's due items: deadline rules, and their output stored per party.

Computing every deadline of a region's thousands of agreements on each visit is too slow for
the start page, so the rules' output is kept as rows (agreements.models.DueItem) and
recomputed for an agreement whenever something its deadlines depend on changes::

    write      a report, obligation, meeting, funding line, decision, party, a close or move
      │        of an item (DueOverride, applied by rules.apply_overrides) or the agreement
      │        is saved or deleted
      ▼
    mark       invalidation: a signal receiver (or mark_changed() after a bulk write) sets
      │        DueState.dirty for the agreement
      ▼
    refresh    store.refresh_marked() before the items are read, and store.refresh_due_items()
      │        nightly (send_reminders) for every marked agreement or one refreshed over a
      │        month or a year ago: loading.deadlines_for() reads the rows the rules need and
      │        applies rules (one function per kind of deadline)
      ▼
    rows       one DueItem per deadline and party of the agreement, its title kept as a
      │        message and its values (texts), with the report year and period it is for
      ▼
    dashboard  store.due_items_for(user) and store.as_deadlines(), the texts translated for
               the reader (agreements.views.dashboard)

Reminders and calendar feeds compute their deadlines with loading.deadlines_for() directly;
report lists, pages and the dossier give each report its item's state and due date with
report_states.with_item_states().
"""
