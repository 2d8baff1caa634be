"""The chat's rules in plain Python: no Reflex imports, explicit inputs and outputs."""
