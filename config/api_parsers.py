"""Request parsers for the API that enforce size limits while reading, so an oversized body is a
413 JSON answer (never a 500, never a full read into memory).

DRF reads JSON straight from the request stream, bypassing Django's DATA_UPLOAD_MAX_MEMORY_SIZE,
and Django streams uploaded files to disk without any limit: both are bounded here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from config.api_errors import PayloadTooLarge


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        if request is not None and _content_length(request) > limit:
            raise PayloadTooLarge(
                _("The request body is larger than %(limit)s.") % {"limit": _megabytes(limit)}
            )
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # Python's decoder recurses per level of nesting
            raise ParseError(_("The JSON body is nested too deeply.")) from exc


class _FileSizeLimit(FileUploadHandler):
    """First upload handler: stops the upload as soon as one file passes the per-file limit."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit = limit
        self.too_large: str | None = None

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = self.file_name or "?"
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        if _content_length(request) > settings.API_UPLOAD_MAX_BYTES:
            raise PayloadTooLarge(
                _("The request is larger than %(limit)s.")
                % {"limit": _megabytes(settings.API_UPLOAD_MAX_BYTES)}
            )
        guard = _FileSizeLimit(request, limit=settings.ATTACHMENT_MAX_BYTES)
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        handlers = [guard, *request.upload_handlers]
        try:
            data, files = DjangoMultiPartParser(meta, stream, handlers, encoding).parse()
        except MultiPartParserError as exc:
            raise ParseError(
                _("The multipart body could not be read: %(error)s") % {"error": exc}
            ) from exc
        if guard.too_large:
            raise PayloadTooLarge(
                _("The file “%(name)s” is larger than %(limit)s.")
                % {"name": guard.too_large, "limit": _megabytes(settings.ATTACHMENT_MAX_BYTES)}
            )
        return parsers.DataAndFiles(data, files)
