"""shop.cache.RedisCache, the site's cache backend when REDIS_URL is set, against a real Redis."""

import threading

import pytest

from shop.cache import RedisCache


@pytest.fixture
def redis_cache(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "test-shop-cache"})
    yield cache
    cache.clear()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("another key") is client


def test_it_behaves_as_djangos_redis_cache(redis_cache):
    assert redis_cache.get("missing", "default") == "default"
    redis_cache.set("facts", {"lot": "MO-2026-03"}, timeout=30)
    assert redis_cache.get("facts") == {"lot": "MO-2026-03"}
    assert redis_cache.add("counter", 1, timeout=30) is True
    assert redis_cache.add("counter", 5, timeout=30) is False
    assert redis_cache.incr("counter") == 2
    with pytest.raises(ValueError):
        redis_cache.incr("no-such-counter")
    redis_cache.delete_many(["facts", "counter"])
    assert redis_cache.get_many(["facts", "counter"]) == {}


def test_incr_keeps_the_expiry_and_never_makes_a_key(redis_cache):
    redis_cache.set("window", 1, timeout=30)
    assert redis_cache.incr("window", 4) == 5
    client = redis_cache._cache.get_client()
    assert 0 < client.ttl(redis_cache.make_key("window")) <= 30
    with pytest.raises(ValueError):
        redis_cache.incr("gone")
    assert client.exists(redis_cache.make_key("gone")) == 0


def test_incr_is_one_round_trip(redis_cache, monkeypatch):
    redis_cache.set("window", 1, timeout=30)
    redis_cache.incr("window")  # the script is loaded once
    client = redis_cache._cache.get_client()
    commands = []
    execute = client.execute_command
    monkeypatch.setattr(
        client, "execute_command", lambda *args, **options: commands.append(args[0]) or execute(*args, **options)
    )
    assert redis_cache.incr("window") == 3
    assert commands == ["EVALSHA"]


def test_threads_sharing_the_client_lose_no_count(redis_cache):
    redis_cache.set("hits", 0, timeout=30)

    def hit():
        for _ in range(200):
            redis_cache.incr("hits")

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("hits") == 1600
