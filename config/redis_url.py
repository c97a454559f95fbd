"""The Redis database the test suite uses: never database 0.

The suite empties its Redis database before every test (`cache.clear()` is FLUSHDB) and the
worker tests flush it as well. Database 0 is what every installation uses by default and what
the README's examples name, so in test mode a REDIS_URL on database 0 (given or implied) is
moved to TEST_REDIS_DB. A REDIS_URL naming another database is taken as a scratch database
chosen for the purpose (e.g. one per parallel run) and kept.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TEST_REDIS_DB = 15


def redis_database(url: str) -> int:
    """The database a redis:// URL selects (redis-py: a `db` query parameter wins over the
    path; neither means 0)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    raw = query.get("db") or parts.path.strip("/") or "0"
    try:
        return int(raw)
    except ValueError:
        return 0


def redis_url_for_tests(url: str) -> str:
    """`url` moved to TEST_REDIS_DB when it selects database 0; else unchanged."""
    if redis_database(url) != 0:
        return url
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "db"])
    return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}", query=query))
