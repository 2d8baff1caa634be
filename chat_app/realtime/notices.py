"""Mention notices: what a mentioned person's tabs show in a notification.

A message in a tab's own room reaches it with the room's broadcast, and the
browser draws its notification from that (``assets/attention.js``). A mention
in another room does not: the notice goes on the person's own channel, to
their tabs only, as a var of a browser-only state.
"""

import dataclasses

import reflex as rx

from chat_app.domain.attention import MentionNotice, mention_notice
from chat_app.realtime import hub, sockets
from chat_app.realtime.changes import tell_mentioned
from chat_app.realtime.views import var_key
from chat_app.rooms.messages import Posted


class NoticeState(rx.State):
    """The latest mention notice a tab was sent; the var lives in the browser only.

    The server never sets it in a tab's state (like ``RoomViewState``): nothing
    here may be computed on the server, and there are no handlers.
    """

    # ``MentionNotice`` as a dict; {} before the first.
    mention: rx.Field[dict[str, str | int]] = rx.field(default_factory=dict)


def notice_of(posted: Posted, room_name: str) -> MentionNotice:
    """The notice of a newly posted message, for the people it mentions.

    Args:
        posted: What the room service stored.
        room_name: Its conversation's name, as the people mentioned see it.

    Returns:
        The notice.
    """
    return mention_notice(
        room=posted.room,
        room_name=room_name,
        seq=posted.message.id,
        author=posted.message.author,
        text=posted.message.text,
    )


async def tell_notice(username: str, notice: MentionNotice) -> None:
    """Send one person's tabs a mention notice (theirs only).

    Args:
        username: The person mentioned.
        notice: The notice.
    """
    await hub.publish(
        sockets.user_channel(username),
        delta={
            NoticeState.get_full_name(): {
                var_key("mention"): dataclasses.asdict(notice)
            }
        },
    )


async def tell_posted(posted: Posted, room_name: str) -> None:
    """Tell the people a new message mentions: their "@" marks, then the notice.

    Only the people mentioned now hear of it, each on their own channel (only
    people who may read the conversation are ever mentioned in it).

    Args:
        posted: What the room service stored.
        room_name: Its conversation's name, as the people mentioned see it.
    """
    await tell_mentioned(posted.mentioned)
    if posted.mentioned:
        notice = notice_of(posted, room_name)
        for username in posted.mentioned:
            await tell_notice(username, notice)
