"""Reflex states: what each browser tab holds on the server, and its handlers.

``auth`` keeps the browser's session (sign up, log in, the login pages' guard);
``chat`` is a tab's place in the chat, with thin handlers behind one guard that
verifies the session and the tab's room. Handlers call ``accounts``,
``sessions`` and the room service, and send what changed for a room through
``realtime``; they hold no rules of their own. Only components and pages import
this package.
"""
