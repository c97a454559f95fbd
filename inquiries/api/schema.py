"""OpenAPI description of the API-key scheme (imported by the API views to register it)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "inquiries.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Send `Authorization: Api-Key <your key>`. An administrator creates keys under"
                " Settings → API keys; the key decides the organization. A missing, invalid or"
                " revoked key gets 401."
            ),
        }
