from django.core.cache.backends.locmem import LocMemCache

from config.cache import incr_with_expiry


def test_counter_works_on_a_cache_without_redis():
    cache = LocMemCache("counter-test", {})
    assert [incr_with_expiry(cache, "n", 60) for _ in range(3)] == [1, 2, 3]
