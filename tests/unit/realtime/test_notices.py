from chat_app.domain.messages import ChatMessage
from chat_app.realtime.notices import notice_of
from chat_app.rooms.messages import Posted


def posted(text: str) -> Posted:
    message = ChatMessage(id=42, author="ana", text=text, sent_at_ms=1)
    return Posted(
        room="sala-2",
        message=message,
        slot=0,
        block=[message],
        typists=None,
        latest={"sala-2": 42},
        mentioned=["bia"],
    )


def test_a_notice_names_the_room_as_people_see_it_and_keeps_the_text_short():
    notice = notice_of(posted("@bia **olha** " + "isto " * 60), "Sala 2")
    assert (notice.key, notice.room, notice.room_name) == (
        "sala-2:42",
        "sala-2",
        "Sala 2",
    )
    assert (notice.seq, notice.author) == (42, "ana")
    assert notice.preview.startswith("@bia olha isto")
    assert len(notice.preview) == 120
