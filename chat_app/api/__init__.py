"""The HTTP API beside Reflex's routes: JSON for scripts, uploads, files, health.

``routes`` holds the account and health routes and ``create_api`` (the Starlette
app Reflex mounts), ``uploads`` the upload and file routes, ``web`` the plumbing
they share (errors, bodies, who is calling), ``access_log`` the request ids and
access lines. It imports the services (``accounts``, ``sessions``, ``uploads``),
``db`` and ``settings``; nothing of the states or the real-time layer.
"""
