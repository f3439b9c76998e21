"""Creating, revoking and checking API tokens.

A token reads ``shk_<prefix>_<secret>``: the prefix (8 characters) finds the row, the secret
(32 URL-safe characters) is compared by digest in constant time. Rate limits count requests
per token and minute in Django's cache (Redis in a deployment, shared by every app server).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shisaku.accounts.choices import MembershipRole
from shisaku.accounts.models import Organisation
from shisaku.core.services import audit_record
from shisaku.errors import InputError
from shisaku.tokens.choices import TokenScope
from shisaku.tokens.models import ApiToken

__all__ = ["TokenRefusal", "token_check", "token_create", "token_revoke"]

MAX_ACTIVE_TOKENS = 20
_LAST_USED_EVERY_S = 60


class TokenRefusal(Exception):
    """A presented token that does not authenticate (``status`` 401) or may not do what is
    asked (403: read scope on a write; 429: over the rate limit)."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(reason)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, actor: Any, name: str, scope: str,
                 organisation: Organisation | None = None) -> tuple[ApiToken, str]:
    """A new token of ``actor`` (for ``organisation`` when given: the actor must be one of its
    admins). Returns the row and the plain token, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise InputError("name", _("give the token a name (what uses it)"))
    if len(name) > 80:
        raise InputError("name", _("at most 80 characters"))
    if scope not in TokenScope.values:
        raise InputError("scope", _("choose read or write"), valid=list(TokenScope.values))
    if organisation is not None and not organisation.memberships.filter(
            user=actor, role=MembershipRole.OWNER).exists():
        raise PermissionError("only an organisation's admins create its tokens")
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise InputError("name", _("at most %(n)s active tokens: revoke one first") % {
            "n": MAX_ACTIVE_TOKENS})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, organisation=organisation, name=name,
                                        prefix=prefix, digest=_digest(secret), scope=scope)
        audit_record(actor=actor, action="tokens.create", obj=token, summary=name,
                     data={"scope": scope, "organisation": organisation.pk if organisation
                           else None})
    return token, f"shk_{prefix}_{secret}"


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token (its owner, or an admin of its organisation); idempotent."""
    allowed = token.user_id == actor.pk or (
        token.organisation is not None and token.organisation.memberships.filter(
            user=actor, role=MembershipRole.OWNER).exists())
    if not allowed:
        raise PermissionError("not your token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="tokens.revoke", obj=token, summary=token.name)
    return token


def token_check(*, presented: str, method: str) -> ApiToken:
    """The active token behind ``presented`` for a request of ``method``; raises
    :class:`TokenRefusal` otherwise. Updates ``last_used_at`` at most once a minute."""
    parts = (presented or "").split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != "shk" or len(parts[1]) != 8 or not parts[2]:
        raise TokenRefusal(401, "not a Shisaku API token")
    token = (ApiToken.objects.select_related("user").filter(prefix=parts[1]).first())
    if token is None or not hmac.compare_digest(token.digest, _digest(parts[2])):
        raise TokenRefusal(401, "unknown token")
    if token.revoked_at is not None:
        raise TokenRefusal(401, "this token was revoked")
    if not token.user.is_active:
        raise TokenRefusal(401, "the token's user is deactivated")
    if method.upper() not in ("GET", "HEAD", "OPTIONS") and token.scope != TokenScope.WRITE:
        raise TokenRefusal(403, "this token may only read (its scope is read)")
    limit = int(getattr(settings, "SHISAKU_TOKEN_RATE_PER_MINUTE", 600))
    window = int(timezone.now().timestamp() // 60)
    key = f"shisaku:token-rate:{token.prefix}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        raise TokenRefusal(429, f"more than {limit} requests a minute with this token")
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > \
            _LAST_USED_EVERY_S:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
