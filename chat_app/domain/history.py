"""The older history a tab loads above its live window, page by page.

A tab shows the live window (from the ring's start) and, above it, the older
pages it loaded: a run from ``first`` to ``last``. While the tab stays open the
window moves on and lets its oldest blocks go; those messages come first (oldest
first), so none is ever out of reach. Then the page before the oldest loaded.

A jump to a message too far back to load down to *anchors* the tab there: its
pages are dropped and the run starts again around the message. Older pages then
load above the run, newer ones below it, until the run meets the live window
and the tab is an ordinary one again.
"""

from dataclasses import dataclass, replace

from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait

# Pages of older history one tab holds above its live window.
OLDER_SLOTS = 32
# The most messages one jump to an older message loads at once (one page,
# counted as that many ordinary pages toward the tab's limit).
JUMP_LIMIT = 300
# Messages shown above the one jumped to, so it is seen in its context.
JUMP_CONTEXT = 10
# Messages loaded on each side of one jumped to from too far back.
ANCHOR_CONTEXT = 25


@dataclass(frozen=True)
class OlderHistory:
    """What a tab loaded above its live window, and when it loaded it.

    Attributes:
        first: The oldest message loaded (the window's start on arrival).
        last: The newest older message loaded (``first - 1`` on arrival).
        pages: How many pages were loaded (each went in its own slot).
        loads: When the latest loads were asked for, for the rate limit.
        anchored: Whether the run was started around a message jumped to, so
            a gap may lie between it and the live window (loaded downward).
    """

    first: int = 1
    last: int = 0
    pages: int = 0
    loads: tuple[float, ...] = ()
    anchored: bool = False

    @classmethod
    def on_arrival(cls, window_start: int) -> "OlderHistory":
        """Nothing loaded yet above a window that starts at ``window_start``.

        Args:
            window_start: The first message of the live window.

        Returns:
            The history.
        """
        return cls(first=window_start, last=window_start - 1)

    def asked(self, *, now: float, limit: int, window: float) -> "OlderHistory":
        """Count a request for a page, refusing one too many or too fast.

        Args:
            now: The current time.
            limit: Loads allowed...
            window: ...within this many seconds.

        Returns:
            The history with this load counted.

        Raises:
            ChatError: If the tab asked too often, or holds all it can.
        """
        wait = seconds_to_wait(self.loads, now=now, limit=limit, window=window)
        if wait:
            raise ChatError(
                "Slow down: older messages load again in {wait} s.", wait=wait
            )
        if self.pages >= OLDER_SLOTS:
            raise ChatError(
                "This tab holds as much history as it can: click the room in the "
                "menu to start again from its latest messages."
            )
        return replace(self, loads=(*self.loads, now)[-limit:])

    def next_page(self, *, ring_start: int, size: int) -> tuple[int, int] | None:
        """The first and last message of the next page to load.

        While anchored, always the page above the run: the gap below it loads
        downward (``newer_page``), where the reader reaches it.

        Args:
            ring_start: Where the live window starts now.
            size: Messages per page.

        Returns:
            The range, or None when the tab holds the room's whole history.
        """
        if self.anchored and not self.has_older:
            return None
        if self.anchored:
            return max(1, self.first - size), self.first - 1
        if self.last + 1 < ring_start:
            return self.last + 1, min(self.last + size, ring_start - 1)
        if self.first > 1:
            return max(1, self.first - size), self.first - 1
        return None

    def pages_down_to(
        self, seq: int, *, ring_start: int, size: int
    ) -> list[tuple[int, int]] | None:
        """The pages to load so that a message is shown (a jump to it).

        Args:
            seq: The message's number.
            ring_start: Where the live window starts now.
            size: Messages per ordinary page (a jump loads at least as many).

        Returns:
            The pages (none when it is shown already), or None when it is more
            than ``JUMP_LIMIT`` messages beyond what is shown (then ``anchored_at``).
        """
        if seq >= ring_start or self.first <= seq <= self.last:
            return []
        if self.last < seq < ring_start and self.anchored:  # in the gap below
            page = (self.last + 1, min(seq + JUMP_CONTEXT, ring_start - 1))
        elif self.last < seq < ring_start:  # the window moved on past it
            page = (self.last + 1, ring_start - 1)
        else:
            top = max(1, min(seq - JUMP_CONTEXT, self.first - size))
            page = (top, self.first - 1)
        if page[1] - page[0] + 1 > JUMP_LIMIT:
            return None
        return [page]

    def newer_page(self, *, ring_start: int, size: int) -> tuple[int, int] | None:
        """The first and last message of the next page below an anchored run.

        Args:
            ring_start: Where the live window starts now.
            size: Messages per page.

        Returns:
            The range (never into the live window), or None when the tab is not
            anchored or no gap is left.
        """
        if not self.anchored or self.last + 1 >= ring_start:
            return None
        return self.last + 1, min(self.last + size, ring_start - 1)

    def anchored_at(
        self, seq: int, *, ring_start: int
    ) -> tuple["OlderHistory", tuple[int, int]]:
        """Start again around a message: nothing loaded, then its context.

        The pages the tab held are to be dropped (their slots free again); the
        rate limit's record stays.

        Args:
            seq: The message's number (before the live window).
            ring_start: Where the live window starts now.

        Returns:
            The history, holding nothing yet, and the page of context to load:
            ``ANCHOR_CONTEXT`` messages either side, within the room and before
            the window.
        """
        first = max(1, seq - ANCHOR_CONTEXT)
        last = max(first, min(seq + ANCHOR_CONTEXT, ring_start - 1))
        history = replace(self, first=first, last=first - 1, pages=0, anchored=True)
        return history, (first, last)

    def settled(self, *, ring_start: int) -> "OlderHistory":
        """The history, an ordinary one again once its run meets the live window.

        Args:
            ring_start: Where the live window starts now.

        Returns:
            The history, no longer anchored when no gap is left.
        """
        if self.anchored and self.last + 1 >= ring_start:
            return replace(self, anchored=False)
        return self

    def loaded(self, first: int, last: int) -> "OlderHistory":
        """The history once a page is in.

        Args:
            first: The page's first message.
            last: Its last message.

        Returns:
            The history with the page (the next slot taken).
        """
        if first < self.first:
            return replace(self, first=first, pages=self.pages + 1)
        return replace(self, last=last, pages=self.pages + 1)

    @property
    def has_older(self) -> bool:
        """Whether messages before the oldest loaded remain."""
        return self.first > 1
