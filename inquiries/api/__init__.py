"""The inquiries part of the HTTP API: POST /api/v1/inquiries/ for websites and other systems."""
