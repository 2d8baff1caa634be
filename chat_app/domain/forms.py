"""Reading submitted forms, whatever shape a client sent them in."""

import json

from chat_app.domain.errors import ChatError


def form_field(form_data: object, name: str) -> object:
    """Read one field of a submitted form.

    Args:
        form_data: What arrived as the form; anything but a dict has no fields.
        name: The field's name.

    Returns:
        The field's value, or None.
    """
    return form_data.get(name) if isinstance(form_data, dict) else None


def attachment_links(value: object) -> list[object]:
    """Read the composer's ``attachments`` field: a JSON list of upload links.

    Args:
        value: The field as sent ("" or missing when nothing is attached).

    Returns:
        The links (checked against the sender's uploads when stored).

    Raises:
        ChatError: If it is not a JSON list.
    """
    if value in (None, ""):
        return []
    try:
        links = json.loads(value) if isinstance(value, str) else value
    except (ValueError, RecursionError) as error:  # not JSON, or nested absurdly
        raise ChatError("The attachments could not be read.") from error
    if not isinstance(links, list):
        raise ChatError("The attachments could not be read.")
    return links
