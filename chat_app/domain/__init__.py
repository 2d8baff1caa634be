"""The chat's rules in plain Python: validation, messages, rooms, files, limits.

Pure functions and small value types with explicit inputs (text, times, lists)
and outputs; nothing here imports Reflex, the database or any other part of the
app, so every rule is tested on its own and used by every layer above.
"""
