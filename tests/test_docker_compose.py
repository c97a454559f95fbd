"""docker-compose.yml and the Dockerfile describe the production deployment (not run here)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def _healthcheck(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def test_compose_has_the_five_services(services):
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}


def test_databases_use_the_pinned_major_versions(services):
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"


def test_web_runs_migrations_then_gunicorn(services):
    command = _command(services["web"])

    assert "manage.py migrate --noinput" in command
    assert command.index("migrate") < command.index("gunicorn config.wsgi")


def test_worker_and_beat_run_celery(services):
    assert _command(services["worker"]).startswith("celery -A config worker")
    assert _command(services["beat"]).startswith("celery -A config beat")


def test_web_health_check_requests_healthz(services):
    assert "/healthz" in _healthcheck(services["web"])


def test_database_services_have_health_checks(services):
    assert "pg_isready" in _healthcheck(services["postgres"])
    assert "redis-cli ping" in _healthcheck(services["redis"])
    assert "celery -A config inspect ping" in _healthcheck(services["worker"])


def test_web_waits_for_healthy_postgres_and_redis(services):
    depends = services["web"]["depends_on"]

    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_workers_start_after_web_has_migrated(services):
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_data_lives_in_named_volumes(compose, services):
    named = set(compose["volumes"])

    assert {"postgres-data", "redis-data", "media"} <= named
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis-data:/data" in services["redis"]["volumes"]
    for name in APP_SERVICES:
        assert "media:/app/var/media" in services[name]["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_the_production_environment(services, name):
    environment = services[name]["environment"]

    for variable in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"):
        assert environment.get(variable), variable
    assert environment["DEBUG"] == "false"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_secrets_have_no_defaults_in_compose(services):
    environment = services["web"]["environment"]

    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]


def test_dockerfile_builds_the_image_the_compose_file_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    for needed in ("gettext", "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert needed in dockerfile
    assert "pip install ." in dockerfile
    assert "scripts/compile_messages.py" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    assert "USER saksflyt" in dockerfile


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()

    for entry in (".git", ".venv", "var", "**/*.mo"):
        assert entry in ignored


def test_the_citus_override_replaces_postgres_with_a_coordinator_and_two_workers():
    citus = yaml.safe_load((ROOT / "docker-compose.citus.yml").read_text())["services"]
    assert set(citus) == {"postgres", "citus-worker1", "citus-worker2"}
    for service in citus.values():
        assert service["image"].startswith("citusdata/citus:") and service["image"].endswith(
            "-pg15"
        )
        assert "pg_isready" in _healthcheck(service)
    # The application keeps talking to "postgres", now the coordinator, after the workers.
    assert set(citus["postgres"]["depends_on"]) == {"citus-worker1", "citus-worker2"}
