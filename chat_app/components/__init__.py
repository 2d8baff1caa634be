"""The chat's own components: small functions returning ``rx.Component``.

One function per part of the screen (users menu, rooms menu, message list,
message bubble, composer, attachment tray, typing line, dialogs), reused, not
copied. They read the states' vars and name their handlers (``states``), and
the room view's vars (``realtime.views``); they hold no rules of their own.
"""
