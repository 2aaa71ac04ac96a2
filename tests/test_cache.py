"""The expiring cache behind credential lookups."""

from app.cache import TtlCache


def test_entries_expire_after_their_time() -> None:
    now = [100.0]
    cache: TtlCache[str, int] = TtlCache(5, clock=lambda: now[0])
    cache.put("key", 1)
    now[0] += 4.9
    assert cache.get("key") == 1
    now[0] += 0.2
    assert cache.get("key") is None


def test_discard_clear_and_size_bound() -> None:
    cache: TtlCache[str, int] = TtlCache(60, max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)  # the oldest goes
    assert cache.get("a") is None
    cache.discard("b")
    assert cache.get("b") is None
    cache.clear()
    assert cache.get("c") is None


def test_zero_seconds_caches_nothing() -> None:
    cache: TtlCache[str, int] = TtlCache(0)
    cache.put("key", 1)
    assert cache.get("key") is None
