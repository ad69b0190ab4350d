"""Short per-process memories for the on-sale hot path.

The crowd reads the same event, ticket types, seats and map thousands of times a second;
each process keeps what it read for a second or two instead of asking the database or
Redis every time. Nothing here grants stock: the gate and the database decide. What was
true a second ago may turn a request away (tickets.selector.refusal_from_memory), never
let one through. Every memory is registered, so one call forgets them all (an organizer's
change, tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_all: list[ShortMemory] = []


class ShortMemory(Generic[T]):
    """Values kept for `seconds` (None: until forgotten); at most `size` keys, after which
    the memory starts again empty rather than tracking which key is oldest."""

    def __init__(self, seconds: float | None, size: int = 500):
        self.seconds = seconds
        self.size = size
        self._entries: dict[Hashable, tuple[float, T]] = {}
        _all.append(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is None or (self.seconds is not None and now - entry[0] > self.seconds):
            value = compute()  # may raise (Http404...): nothing is kept then
            if len(self._entries) >= self.size:
                self._entries.clear()
            entry = self._entries[key] = (now, value)
        return entry[1]

    def clear(self) -> None:
        self._entries.clear()


_other_memories: list[Callable[[], None]] = []


def register(clear: Callable[[], None]) -> None:
    """A memory kept some other way (a plain dict), forgotten with the rest."""
    _other_memories.append(clear)


def forget_all() -> None:
    for memory in _all:
        memory.clear()
    for clear in _other_memories:
        clear()
