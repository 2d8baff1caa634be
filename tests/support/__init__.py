"""Helpers shared by the protocol and browser suites: real servers, real clients."""
