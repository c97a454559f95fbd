"""/healthz for load balancers and the docker-compose health check."""

from __future__ import annotations

import socket


def _closed_port() -> int:
    """A local port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_200_with_the_database_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_sign_in(client, db):
    assert client.get("/healthz").status_code == 200


def test_healthz_checks_redis_only_when_it_is_configured(client, db, settings):
    response = client.get("/healthz")

    if settings.REDIS_URL:
        assert response.json()["checks"]["redis"] == "ok"
    settings.REDIS_URL = None
    assert "redis" not in client.get("/healthz").json()["checks"]


def test_healthz_is_503_naming_redis_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failing"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert "redis" in response.content.decode().lower()
