"""What tests/ and bench/ share, so that neither imports the other.

The one client of the chat's socket protocol (``harness.protocol``) and the
starters of real chat, Redis and helper processes on loopback ports
(``harness.servers``). Code here may import chat_app's state classes, only to learn
their names on the wire, and never anything from tests/ or bench/.
"""
