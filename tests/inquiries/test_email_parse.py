"""Reading raw e-mail: charsets, encoded words, file names, quotes, inline images, safe HTML."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from inquiries.email.parse import UnparseableEmail, decode_bytes, message_id_of, parse
from inquiries.email.quotes import split_quoted

NORDIC = Path("/work/shared/fixtures/email/nordic")
MIKEL = Path("/work/shared/fixtures/email/mikel-mail")


def test_windows_1252_html_loses_script_and_event_handlers():
    parsed = parse((NORDIC / "da-windows1252-alternative.eml").read_bytes())
    assert "<b>240 liters beholder</b>" in parsed.html
    assert "tømt" in parsed.html
    for bad in ("<script", "alert(", "onerror", "javascript:"):
        assert bad not in parsed.html


def test_javascript_links_and_handlers_never_survive():
    msg = EmailMessage()
    msg["From"] = "a@example.net"
    msg["Subject"] = "x"
    msg.set_content("text")
    msg.add_alternative(
        '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(2)">b</a>'
        '<img src="x" onerror="alert(3)"><div onmouseover="alert(4)">c</div>'
        "<style>body{}</style><iframe src='https://evil.example'></iframe>"
        '<svg onload="alert(5)"></svg><p style="background:url(javascript:alert(6))">d</p>',
        subtype="html",
    )
    html = parse(msg.as_bytes()).html.lower()
    for bad in ("javascript:", "onerror", "onmouseover", "onload", "<iframe", "<style", "<svg"):
        assert bad not in html


def test_inline_image_cid_is_resolved_to_the_image():
    parsed = parse((NORDIC / "no-html-inline-image.eml").read_bytes())
    assert "cid:" not in parsed.html
    assert 'src="data:image/png;base64,' in parsed.html
    assert [f.name for f in parsed.files] == ["flis.png"]
    assert parsed.files[0].content_id == "flis001@example.no"


def test_rfc2047_sender_and_subject():
    parsed = parse((NORDIC / "no-iso8859-1-new-inquiry.eml").read_bytes())
    assert (parsed.from_name, parsed.from_address) == ("Kåre Ødegård", "kare.odegard@example.no")
    assert parsed.subject == "Lekkasje på badet - leilighet H0203"
    assert parsed.message_id == "<20261116081402.4711@mail.example.no>"


def test_reply_separates_new_text_from_quote_and_knows_its_thread():
    parsed = parse((NORDIC / "sv-utf8-reply.eml").read_bytes())
    assert parsed.text.startswith("Hej,")
    assert "Vi har skickat en tekniker" in parsed.quoted
    assert parsed.in_reply_to == ["<case-reply-0001@fastighet.example>"]
    assert parsed.thread_ids[0] == "<case-reply-0001@fastighet.example>"
    assert "<case-created-0001@fastighet.example>" in parsed.thread_ids


def test_dsn_names_the_message_it_reports_on():
    parsed = parse((NORDIC / "bounce-dsn.eml").read_bytes())
    assert parsed.report is not None and parsed.report.failed
    assert parsed.report.original_message_ids == ["<case-created-0002@fjordbolig.example>"]
    assert "5.1.1" in parsed.report.diagnostic


def test_delayed_dsn_is_not_a_failure():
    parsed = parse((MIKEL / "multipart_report_emails" / "report_422.eml").read_bytes())
    assert parsed.report is not None and not parsed.report.failed


def test_8bit_header_in_windows_1252_is_read():
    raw = b"From: a@example.net\r\nSubject: Forma\xe7\xe3o\r\n\r\nbody\r\n"
    assert parse(raw).subject == "Formação"


def test_utf8_labelled_latin1_and_latin1_labelled_utf8_bodies():
    assert decode_bytes("Søren".encode(), "iso-8859-1") == "SÃ¸ren"  # a real cp1252 reading
    assert decode_bytes("Søren".encode(), "us-ascii") == "Søren"
    assert decode_bytes("Søren".encode("cp1252"), "utf-8") == "Søren"
    assert decode_bytes(b"\x80 euro", "iso-8859-1") == "€ euro"
    assert decode_bytes(b"abc", "x-unknown-charset") == "abc"


def test_obsolete_header_syntax_is_read():
    parsed = parse((MIKEL / "rfc2822" / "example13.eml").read_bytes())
    assert parsed.from_address == "jdoe@machine.example"


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"just some text without headers"])
def test_nothing_to_read_is_unparseable(raw):
    with pytest.raises(UnparseableEmail):
        parse(raw)


def test_message_id_falls_back_to_a_hash_of_the_bytes():
    assert message_id_of(b"Message-ID: <a@b>\r\n\r\nx") == "<a@b>"
    assert message_id_of(b"Message-Id:\r\n <folded@b>\r\n\r\nx") == "<folded@b>"
    hashed = message_id_of(b"Subject: x\r\n\r\nbody")
    assert hashed.startswith("sha256:") and hashed != message_id_of(b"Subject: y\r\n\r\nbody")


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("Thanks!\n\nOn Mon, 1 Jan 2026 Kari wrote:\n> old", "Thanks!"),
        ("Takk!\n\nDen 1. jan. 2026 skrev Kari <k@x.no>:\n> gammel", "Takk!"),
        ("Tack!\n\n-----Ursprungligt meddelande-----\nFrån: x", "Tack!"),
        ("OK\n\nFra: Kundeservice\nSendt: 1. januar\nEmne: x", "OK"),
        ("Ny tekst\n> sitat\n> sitat", "Ny tekst"),
        ("Only new text", "Only new text"),
    ],
)
def test_quote_separation(text, new):
    assert split_quoted(text)[0] == new


def test_a_bare_forward_keeps_everything_as_new_text():
    text = "-----Original Message-----\nFrom: x\nThe content"
    assert split_quoted(text) == (text, "")


def test_gmail_style_attribution_with_the_address_after_the_verb():
    text = "Fint!\n\nman. 1. jan. 2026 kl. 10:00 skrev Kari <kari@example.no>:\n> gammel"
    assert split_quoted(text) == ("Fint!", text.split("\n\n", 1)[1])


def test_a_sentence_that_mentions_writing_is_not_a_quote():
    text = "Jeg skrev til dere i går:\nDet drypper fortsatt."
    assert split_quoted(text) == (text, "")


def test_data_links_are_neutralised_but_inline_images_stay():
    msg = EmailMessage()
    msg["From"] = "a@example.net"
    msg["Subject"] = "x"
    msg.set_content("text")
    msg.add_alternative(
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="pic">',
        subtype="html",
    )
    html = parse(msg.as_bytes()).html
    assert 'href="#"' in html and "text/html" not in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
