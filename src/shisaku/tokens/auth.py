"""Authentication of `/api/v1/`: an API token (``Authorization: Bearer shk_…``) or the
browser session (with CSRF on unsafe methods, as before). Routers use :data:`API_AUTH`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from shisaku.tokens.services import TokenRefusal, token_check

__all__ = ["API_AUTH", "TokenAuth"]


class TokenAuth(HttpBearer):
    """Personal or organisation API token; read-scope tokens only read (403 on a write)."""

    openapi_description = ("A personal or organisation API token created on the account "
                           "page: `Authorization: Bearer shk_…`. Read-scope tokens may only "
                           "use GET.")

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = token_check(presented=token, method=request.method or "GET")
        except TokenRefusal as exc:
            if exc.status == 401:
                # the next scheme (the session) may still authenticate; if it does not, the
                # 401 says why the token was refused (revoked, unknown ...)
                request.token_refusal = exc.reason  # type: ignore[attr-defined]
                return None
            raise HttpError(exc.status, exc.reason) from None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


API_AUTH = [TokenAuth(), django_auth]
