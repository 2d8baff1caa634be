"""Who is really calling, behind reverse proxies."""


def client_address(peer: str, forwarded_for: str, trusted_hops: int) -> str:
    """The client's address, trusting ``trusted_hops`` proxies in front of us.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``, so the client is the ``trusted_hops``-th entry from the
    right; anything further left was written by the client and may be forged.
    With no trusted proxy the header is ignored (anyone can send it).

    Args:
        peer: The address of the connection's other end.
        forwarded_for: The ``X-Forwarded-For`` header ("" when absent).
        trusted_hops: How many reverse proxies sit in front of the app.

    Returns:
        The address.
    """
    if trusted_hops <= 0:
        return peer
    hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    return hops[-trusted_hops] if len(hops) >= trusted_hops else peer
