"""Real-time chat rooms built on Reflex."""
