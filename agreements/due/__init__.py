"""The dashboard's due items: deadline rules, and their output stored per party.

Computing every deadline of a region's thousands of agreements on each visit is too slow for
the start page, so the rules' output is kept as rows (agreements.models.DueItem) and
recomputed for an agreement whenever something its deadlines depend on changes::

    a write (report, obligation, meeting, funding, decision, party, the agreement itself)
      │  invalidation: a signal receiver, or mark_changed() after a bulk write
      ▼
    mark      DueState.dirty = True for the agreement
      │
      ▼
    refresh   store.refresh_marked() before the items are read (the dashboard), and
      │       store.refresh_due_items() nightly (send_reminders) for every marked or old one:
      │       loading reads the rows the rules need, rules.deadlines_for() gives the deadlines
      ▼
    rows      one DueItem per deadline and party of the agreement, the title kept as a
      │       message and its values (texts), shown in the reader's language
      ▼
    dashboard store.due_items_for(user) → agreements.views.dashboard

Reminders and calendar feeds call rules.deadlines_for() directly: they need every item, done
ones too, and run rarely.
"""
