"""The chat's own components: small functions returning ``rx.Component``."""
