"""The form reader the fuzz relies on: if it missed fields, the fuzz would pass having tried
nothing."""

from __future__ import annotations

from tests.fuzz.html_forms import multipart, post_forms, urlencoded

PAGE = """
<form method="get" action="/search/"><input name="q"></form>
<form method="post" action="save/" id="edit" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="title" value="Leak" required>
  <input type="email" name="email" required>
  <textarea name="body">Drips &amp; drops</textarea>
  <select name="status">
    <option value="new">New</option><option value="done" selected>Done</option>
  </select>
  <select name="team" required><option value="">—</option><option value="7">Crew</option></select>
  <input type="checkbox" name="notify" value="1">
  <input type="checkbox" name="tags" value="3" checked>
  <input name="off" value="x" disabled>
  <input type="file" name="files">
  <button type="submit" name="action" value="save">Save</button>
  <button type="submit" name="action" value="close">Close</button>
</form>
<input type="checkbox" name="ids" value="42" form="edit" checked>
"""


def test_reads_post_forms_with_their_fields_as_rendered():
    (form,) = post_forms(PAGE, "/org/cases/1/")

    assert form.action == "/org/cases/1/save/"
    assert form.multipart
    assert form.field_names() == (
        *("action", "body", "csrfmiddlewaretoken", "email", "files", "ids", "notify"),
        *("status", "tags", "team", "title"),
    )
    assert dict(form.pairs()) == {
        "csrfmiddlewaretoken": "tok",
        "title": "Leak",
        "email": "fuzz@example.com",  # required and empty: filled plausibly
        "body": "Drips & drops",
        "status": "done",
        "team": "7",
        "tags": "3",
        "action": "save",  # the first submit button only
        "ids": "42",
    }


def test_replaces_one_field_and_sends_an_unchecked_one_when_fuzzed():
    (form,) = post_forms(PAGE, "/org/cases/1/")

    pairs = dict(form.pairs("notify", "\x00"))
    assert pairs["notify"] == "\x00"
    assert pairs["title"] == "Leak"


def test_bodies_carry_raw_bytes_and_surrogates_as_sent():
    body = urlencoded([("a", b"\xff\xfe"), ("b", "\udfff"), ("c", "x y")])

    assert body == b"a=\xff\xfe&b=%ED%BF%BF&c=x+y"
    assert b'name="a"\r\n\r\n\xff\xfe\r\n' in multipart([("a", b"\xff\xfe")])
