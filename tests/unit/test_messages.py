from chat_app.domain.messages import ChatMessage, append_message


def message(number: int) -> ChatMessage:
    return ChatMessage(id=number, author="joao", text=f"m{number}", sent_at_ms=number)


def test_append_keeps_order_and_the_newest_last():
    window = append_message([message(1)], message(2), limit=10)
    assert [m.id for m in window] == [1, 2]


def test_the_window_drops_the_oldest_beyond_its_limit():
    window: list[ChatMessage] = []
    for number in range(1, 8):
        window = append_message(window, message(number), limit=3)
    assert [m.id for m in window] == [5, 6, 7]


def test_append_does_not_change_the_old_window():
    old = [message(1)]
    append_message(old, message(2), limit=10)
    assert old == [message(1)]
