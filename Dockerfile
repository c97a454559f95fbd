# Saksflyt web, worker and beat image (docker-compose.yml runs all three from it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SAKSFLYT_VAR_DIR=/app/var

# gettext: msgfmt for the catalogues. Pango (with HarfBuzz and fonts): WeasyPrint's PDF rendering.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        shared-mime-info \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Compiled catalogues and collected static files are build output, made here, never committed.
# collectstatic imports the production settings, which insist on these variables; the values are
# for this build step only and do not end up in the running containers.
RUN python scripts/compile_messages.py locale/*/LC_MESSAGES/*.po \
    && DEBUG=false SECRET_KEY=collectstatic-build-step-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin saksflyt \
    && mkdir -p /app/var/media \
    && chown -R saksflyt:saksflyt /app/var

USER saksflyt
EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
