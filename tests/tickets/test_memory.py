"""The hot path's short per-process memories (tickets.memory)."""

import pytest

from tickets import memory
from tickets.memory import ShortMemory


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(memory.time, "monotonic", lambda: now[0])
    return now


def test_a_value_is_read_once_while_fresh_and_again_once_stale(clock):
    reads = []
    short = ShortMemory(seconds=2.0)
    read = lambda: reads.append(1) or len(reads)  # noqa: E731 - counts the reads
    assert short.get("event", read) == 1
    clock[0] += 1.5
    assert short.get("event", read) == 1
    clock[0] += 1.0
    assert short.get("event", read) == 2


def test_a_failed_read_is_not_kept(clock):
    short = ShortMemory(seconds=2.0)

    def missing():
        raise LookupError("no such event")

    with pytest.raises(LookupError):
        short.get("gone", missing)
    assert short.get("gone", lambda: "found") == "found"


def test_a_full_memory_starts_again_and_forget_all_empties_every_memory(clock):
    small = ShortMemory(seconds=None, size=2)
    other = ShortMemory(seconds=None)
    small.get("a", lambda: 1)
    small.get("b", lambda: 2)
    small.get("c", lambda: 3)  # full: a and b are dropped
    assert small.get("a", lambda: "again") == "again"
    other.get("x", lambda: "kept")
    memory.forget_all()
    assert small.get("c", lambda: "fresh") == "fresh"
    assert other.get("x", lambda: "fresh") == "fresh"
