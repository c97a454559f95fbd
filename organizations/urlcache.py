"""Reversed URLs kept per process.

Django's `reverse` walks the resolver's possibilities, substitutes and checks every argument
against the pattern and quotes the result each time: about 17 µs on the bench machine, a
remembered one about 6 µs. A staff page reverses dozens (the case page about sixty: the menu,
the panel's forms, the history's links), the same few names with the same organization slug
and case number, so the answers are kept (least recently used, a few thousand per process).

A URL is a function of the name, the arguments, the current application, the URLconf and
the script prefix, and all five are in the key. Only plain strings and integers are kept as
arguments (a model instance or a lazy string could turn into another text later); anything
else, and a name that does not reverse, goes to Django's `reverse` every time. The cache is
emptied when a test changes ROOT_URLCONF, as Django empties its own.
"""

from __future__ import annotations

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as url_tag
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

_PLAIN = frozenset({int, str, SafeString})


@lru_cache(maxsize=4096)
def _reverse(viewname, args, kwargs, current_app, urlconf, prefix) -> str:
    return django_reverse(
        viewname, urlconf, args=args or None, kwargs=dict(kwargs) or None, current_app=current_app
    )


def reverse(viewname, args=None, kwargs=None, current_app=None) -> str:
    """`django.urls.reverse(viewname, args=..., kwargs=..., current_app=...)`, remembered."""
    args = tuple(args) if args else ()
    kwargs = tuple(sorted(kwargs.items())) if kwargs else ()
    if (
        type(viewname) in _PLAIN
        and all(type(value) in _PLAIN for value in args)
        and all(type(value) in _PLAIN for _name, value in kwargs)
    ):
        # SafeString and str are equal and hash alike (a template's literals are SafeStrings);
        # the text reversed is the same.
        return _reverse(viewname, args, kwargs, current_app, get_urlconf(), get_script_prefix())
    return django_reverse(
        viewname, args=args or None, kwargs=dict(kwargs) or None, current_app=current_app
    )


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


# --- {% url %}, remembered: a template builtin (config/settings.py TEMPLATES) ---------------

register = Library()


class CachedURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's {% url %} (same syntax and errors), answered from the cache."""
    node = url_tag(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
