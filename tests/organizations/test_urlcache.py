"""The remembered reverse (organizations/urlcache.py) answers what Django's reverse answers."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix
from django.urls import reverse as django_reverse
from django.utils.functional import lazystr

from organizations import urlcache
from organizations.urlcache import reverse


@pytest.fixture(autouse=True)
def empty_cache():
    urlcache._reverse.cache_clear()
    yield
    urlcache._reverse.cache_clear()


def test_same_answer_as_django_and_remembered():
    kwargs = {"org_slug": "acme", "number": 42}
    first = reverse("cases:case_detail", kwargs=kwargs)
    assert first == django_reverse("cases:case_detail", kwargs=kwargs) == "/acme/cases/42/"
    assert reverse("cases:case_detail", kwargs={"number": 42, "org_slug": "acme"}) == first
    assert urlcache._reverse.cache_info().hits == 1
    assert reverse("cases:case_detail", kwargs={"org_slug": "acme", "number": 43}).endswith("/43/")


def test_other_arguments_are_not_kept_but_still_reversed():
    # A lazy string is reversed every time: it could stand for another text later.
    url = reverse("cases:inbox", kwargs={"org_slug": lazystr("acme")})
    assert url == "/acme/"
    assert urlcache._reverse.cache_info().currsize == 0


def test_a_name_that_does_not_reverse_raises_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            reverse("cases:case_detail", kwargs={"org_slug": "acme", "number": "not-a-number"})
    assert urlcache._reverse.cache_info().currsize == 0


def test_script_prefix_is_part_of_the_key():
    assert reverse("cases:inbox", kwargs={"org_slug": "acme"}) == "/acme/"
    set_script_prefix("/saksflyt/")
    try:
        assert reverse("cases:inbox", kwargs={"org_slug": "acme"}) == "/saksflyt/acme/"
    finally:
        clear_script_prefix()
    assert reverse("cases:inbox", kwargs={"org_slug": "acme"}) == "/acme/"


def test_changing_root_urlconf_forgets():
    reverse("cases:inbox", kwargs={"org_slug": "acme"})
    assert urlcache._reverse.cache_info().currsize == 1
    with override_settings(ROOT_URLCONF="config.urls"):
        assert urlcache._reverse.cache_info().currsize == 0


def test_url_tag_renders_as_djangos():
    template = Template(
        "{% url 'cases:case_detail' org_slug=slug number=n %}|"
        "{% url 'cases:inbox' slug as inbox %}{{ inbox }}|"
        "{% url 'nowhere' as missing %}[{{ missing }}]"
    )
    out = template.render(Context({"slug": "acme", "n": 7}))
    assert out == "/acme/cases/7/|/acme/|[]"
    assert urlcache._reverse.cache_info().currsize == 2
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nowhere' %}").render(Context())
