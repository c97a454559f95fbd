"""config/warmup.py: a web worker compiles its templates, loads its catalogues and builds its
URL tables as it starts (config/wsgi.py), not on its first requests."""

from __future__ import annotations

import logging
import subprocess
import sys

from django.conf import settings
from django.template import engines

from config import warmup


def _cached_names() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]  # the cached loader
    return {template.origin.template_name for template in loader.get_template_cache.values()}


def test_warm_up_compiles_every_project_template_and_keeps_it():
    engines["django"].engine.template_loaders[0].reset()

    done = warmup.warm_up()

    names = warmup.project_templates()
    assert len(names) > 100
    assert done["templates"] == len(names)
    assert set(names) <= _cached_names()
    assert done["widgets"] == 2 * len(warmup.widget_templates())  # both form renderers
    assert done["languages"] == len(settings.LANGUAGES) == 4


def test_a_template_that_does_not_compile_is_logged_and_the_rest_still_are(
    monkeypatch, caplog, tmp_path
):
    broken = tmp_path / "broken.html"
    broken.write_text("{% if %}")
    engine = engines["django"].engine
    monkeypatch.setattr(engine, "dirs", [*engine.dirs, str(tmp_path)])
    engine.template_loaders[0].reset()

    with caplog.at_level(logging.WARNING, logger="config.warmup"):
        done = warmup.warm_up()

    assert "broken.html" in warmup.project_templates()
    assert done["templates"] == len(warmup.project_templates()) - 1
    assert "warm-up: template broken.html did not compile" in caplog.text
    engine.template_loaders[0].reset()


def test_the_wsgi_module_warms_up_before_freezing():
    code = (
        "import gc;"
        "import config.wsgi;"
        "from django.template import engines;"
        "loader = engines['django'].engine.template_loaders[0];"
        "print(len(loader.get_template_cache), gc.get_freeze_count() > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    count, frozen = result.stdout.split()
    assert int(count) >= len(warmup.project_templates())
    assert frozen == "True"


def test_after_the_warm_up_no_reverse_builds_url_tables_in_any_language(monkeypatch):
    from django.urls import reverse
    from django.urls.resolvers import URLResolver
    from django.utils import translation

    warmup.warm_up()
    built = []
    original = URLResolver._populate

    def populate(self):
        built.append(self)
        return original(self)

    monkeypatch.setattr(URLResolver, "_populate", populate)

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("cases:inbox", kwargs={"org_slug": "alpha"})
            reverse("cases:case_detail", kwargs={"org_slug": "alpha", "number": 1})
            reverse("home")

    assert built == []
