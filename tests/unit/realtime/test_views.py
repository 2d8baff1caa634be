"""The wire format of room updates, pinned to what Reflex 0.10.1's client reads.

Room broadcasts bypass Reflex's own delta computation, so if Reflex changes how
it names states or vars on the wire, these tests fail before any browser does.
"""

from importlib.metadata import version

from chat_app.domain.messages import RING_BLOCKS, ChatMessage
from chat_app.realtime import sockets
from chat_app.realtime.views import RoomViewState, block_var, view_delta
from chat_app.states.chat import ChatState


def test_this_is_the_reflex_the_wire_format_was_checked_with():
    assert version("reflex") == "0.10.1"


def test_a_view_delta_names_the_state_and_marks_each_var():
    message = ChatMessage(id=1, author="ana", text="oi", sent_at_ms=5, continues=False)
    delta = view_delta(typists=["ana"], **{block_var(3): [message]})
    assert delta == {
        "reflex___state____state.chat_app___realtime___views____room_view_state": {
            "typists_rx_state_": ["ana"],
            "block_3_rx_state_": [
                {
                    "id": 1,
                    "author": "ana",
                    "text": "oi",
                    "sent_at_ms": 5,
                    "continues": False,
                    "previous_sent_at_ms": 0,
                    "images": [],
                    "files": [],
                    "html": "",
                    "long": False,
                    "mentions": [],
                    "reply_to": 0,
                    "quote_author": "",
                    "quote_text": "",
                    "quote_kind": "",
                    "edited_at_ms": 0,
                    "deleted": False,
                    "reactions": [],
                    "removed": False,
                }
            ],
        }
    }


def test_every_ring_slot_is_a_var_of_the_view_state():
    fields = RoomViewState.get_fields()
    assert all(block_var(slot) in fields for slot in range(RING_BLOCKS))


def test_a_tab_event_is_what_reflex_clients_run():
    event = sockets.tab_event(f"{ChatState.get_full_name()}.open_chat")
    assert event == {
        "name": "reflex___state____state.chat_app___states___chat____chat_state"
        ".open_chat",
        "payload": {},
        "router_data": {},
    }
