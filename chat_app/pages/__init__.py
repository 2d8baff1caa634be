"""The app's pages, one module each: the chat, and login and registration.

A page assembles components and names the state event that runs when it loads;
it imports ``components`` and ``states``, nothing below them.
"""
