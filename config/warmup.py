"""What a web worker would otherwise do on its first requests, done as it starts.

Django compiles a template the first time a process renders it (and keeps it: the cached
loader), loads a language's catalogue the first time the language is active, and builds the URL
resolver's tables on the first reverse in each language and namespace. A gunicorn worker met
each of these on its first requests: its first case page took 52-60 ms against 15-20 ms for the
next ones (bench-200k, one worker), 36-41 ms with the warm-up; what remains of the difference is
the SQL of each compiled read, built on its first use (organizations/compiled.py).
config/wsgi.py calls `warm_up` before freezing what is loaded out of the garbage collector's
reach, so the compiled templates are frozen with the rest.

A template that fails to compile is logged and left for its page to report, as it would have
without the warm-up.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import NoReverseMatch, get_resolver, reverse
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


def _namespaces(resolver, prefix: str = "") -> list[str]:
    """Every URL namespace (nested ones as "outer:inner") under `resolver`."""
    found = []
    for namespace, (_pattern, included) in resolver.namespace_dict.items():
        found.append(prefix + namespace)
        found += _namespaces(included, f"{prefix}{namespace}:")
    return found


def _build_tables(resolver) -> None:
    """The resolver's reverse tables in the active language (each resolver keeps them per
    language), and those Django builds for each namespace on its first reverse there: a
    reverse of a name no namespace has builds them and finds nothing."""
    resolver.reverse_dict  # noqa: B018 - builds them
    for namespace in _namespaces(resolver):
        with contextlib.suppress(NoReverseMatch):
            reverse(f"{namespace}:-warm-up-")


def warm_up() -> dict[str, int]:
    """Compile the project's and the form widgets' templates, load every language's
    catalogue and build the URL resolver. Returns how many of each were done."""
    from organizations.rendering import FAST_RENDERER

    templates = _compile(engines["django"].get_template, project_templates())
    # Each form renderer has an engine of its own: Django's default and FAST_RENDERER.
    widgets = 0
    for renderer in (get_default_renderer(), FAST_RENDERER):
        widgets += _compile(renderer.get_template, widget_templates())
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Inbox")
            _build_tables(resolver)
    return {"templates": templates, "widgets": widgets, "languages": len(settings.LANGUAGES)}
