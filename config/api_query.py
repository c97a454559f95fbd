"""Query parameters an API operation does not have are refused, not ignored.

A typo such as `?stauts=closed` would otherwise answer 200 with every case, and the client
would never learn that its filter did nothing. The 400 names each unknown parameter in
`errors`, like any invalid field; the OpenAPI schema lists exactly the parameters accepted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


class KnownQueryParameters:
    """For an APIView: refuse query parameters outside `known_query_parameters()`."""

    query_parameters: frozenset[str] = frozenset()

    def known_query_parameters(self) -> frozenset[str]:
        return self.query_parameters

    def initial(self, request, *args, **kwargs):
        # Authentication, permissions and the rate limit first: no key is a 401 whatever else.
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.known_query_parameters())
        if unknown:
            message = _("This operation has no such query parameter.")
            raise ValidationError({name: [message] for name in unknown})
