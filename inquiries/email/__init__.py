"""Inbound e-mail: three ways in (webhook, IMAP, files), one pipeline (store, parse, classify)."""
