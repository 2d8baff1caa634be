"""The room service: what happens in rooms, kept in the database.

Plain functions over an explicit database session and clock, keyword-only after
the session, without Reflex: ``presence`` (who is where, typing, the sweep of
silent tabs), ``messages`` (posting, numbering, what a tab is shown, history) and
``read_marks`` (each room's latest number and how far each user has read). The
database is the one place every backend process agrees on, so rooms work the
same with one process or many. It imports ``domain``, ``models``, ``db`` and the
upload records; never Reflex, the states or the real-time layer.
"""
