import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")


def test_redis_cache_reuses_one_client_per_pool_and_still_stores_values():
    cache.set("cache-test-key", {"a": 1}, timeout=30)
    first = cache._cache.get_client(write=True)
    assert cache.get("cache-test-key") == {"a": 1}
    assert cache._cache.get_client(write=True) is first
    cache.delete("cache-test-key")
    assert cache.get("cache-test-key") is None


def test_counter_increments_in_one_key_and_expires(monkeypatch):
    from config.cache import SaksflytRedisCache, incr_with_expiry

    pipelined = []
    original = SaksflytRedisCache.incr_with_expiry

    def spy(self, key, timeout):
        pipelined.append(key)
        return original(self, key, timeout)

    monkeypatch.setattr(SaksflytRedisCache, "incr_with_expiry", spy)
    cache.delete("cache-test-counter")
    assert [incr_with_expiry(cache, "cache-test-counter", 5) for _ in range(3)] == [1, 2, 3]
    ttl = cache._cache.get_client().ttl(cache.make_key("cache-test-counter"))
    assert 0 < ttl <= 5  # the first increment set the expiry; later ones did not extend it
    # django.core.cache.cache (a proxy) still gets the one-round-trip pipeline.
    assert pipelined == ["cache-test-counter"] * 3
    cache.delete("cache-test-counter")
