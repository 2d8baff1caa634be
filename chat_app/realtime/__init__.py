"""Real-time delivery: the only package that touches Reflex's internals.

What a tab shows of its room and the deltas that change it (``views``), the
socket rooms and the relay that carries a broadcast to every backend process
(``hub``), and the hooks that log each event and turn failures into messages
(``events``). It imports the room service, ``db`` and ``settings``; the states,
upkeep and the app import it, never the other way round.
"""
