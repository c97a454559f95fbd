"""What a web worker would otherwise do on its first requests, done as it starts.

Django compiles a template the first time a process renders it (and keeps it: the cached
loader), loads a language's catalogue the first time the language is active, and builds the URL
resolver's tables on the first reverse. A gunicorn worker met each of these on its first
requests for a page, which took tens of milliseconds longer than the page's later requests (the
side-by-side run, `../shared/bench-peer/sbs.py`, saw case pages of 65-114 ms among 20 ms ones
in its first rounds). config/wsgi.py calls `warm_up` before freezing what is loaded out of the
garbage collector's reach, so the compiled templates are frozen with the rest.

A template that fails to compile is logged and left for its page to report, as it would have
without the warm-up.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def project_templates() -> list[str]:
    """The names of the project's own templates (the TEMPLATES DIRS), sorted."""
    names = []
    for directory in engines["django"].engine.dirs:
        root = Path(directory)
        names += [path.relative_to(root).as_posix() for path in root.rglob("*.html")]
    return sorted(names)


def widget_templates() -> list[str]:
    """The names of Django's form widget templates."""
    import django.forms

    root = Path(django.forms.__file__).resolve().parent / "templates"
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.html"))


def _compile(get_template, names: list[str]) -> int:
    done = 0
    for name in names:
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.warning("warm-up: template %s did not compile", name, exc_info=True)
        else:
            done += 1
    return done


def warm_up() -> dict[str, int]:
    """Compile the project's and the form widgets' templates, load every language's
    catalogue and build the URL resolver. Returns how many of each were done."""
    from organizations.rendering import FAST_RENDERER

    templates = _compile(engines["django"].get_template, project_templates())
    # Each form renderer has an engine of its own: Django's default and FAST_RENDERER.
    widgets = 0
    for renderer in (get_default_renderer(), FAST_RENDERER):
        widgets += _compile(renderer.get_template, widget_templates())
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Inbox")
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 - builds the resolver's tables
    return {"templates": templates, "widgets": widgets, "languages": len(settings.LANGUAGES)}
