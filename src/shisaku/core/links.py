"""Personal links for firms without an account: signed tokens bound to one stored link row,
the actor that acts through such a link, why a link is refused, and the rate limit of the
link pages.

A token is a random nonce signed with the deployment's secret key (Django's ``Signer``, one
salt per kind of link, so an RFQ link never opens a consortium page). The database keeps only
the SHA-256 of the nonce, so a leaked table opens nothing; a re-issued link is a new row with
a new nonce.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "LinkActor",
    "LinkRefused",
    "SignedLink",
    "client_address",
    "client_hits",
    "link_rate_limited",
    "nonce_digest",
    "token_make",
    "token_read",
]

FORGED, REVOKED, EXPIRED, USED = "forged", "revoked", "expired", "used"
# Forged and revoked links are refused (403); expired and used-up ones are gone (410).
REFUSAL_STATUS = {FORGED: 403, REVOKED: 403, EXPIRED: 410, USED: 410}


class SignedLink(models.Model):
    """Fields shared by the stored links of every app (abstract)."""

    nonce_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("sent to"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # Why the e-mail with the link could not be sent (one attempt, never retried by itself:
    # the startup or coordinator sends a new link).
    mail_error = models.CharField(_("e-mail error"), max_length=300, blank=True)

    class Meta:
        abstract = True


class LinkRefused(Exception):
    """A link that does not open: ``reason`` is forged | revoked | expired | used; ``status``
    the HTTP answer (403 / 410); ``detail`` an English sentence for the API and logs."""

    def __init__(self, reason: str, detail: str = "", *, context: dict[str, Any] | None = None
                 ) -> None:
        self.reason = reason
        self.status = REFUSAL_STATUS[reason]
        self.detail = detail or f"this link is {reason}"
        self.context = context or {}
        super().__init__(self.detail)


@dataclass(frozen=True)
class LinkActor:
    """Who acts through a personal link: not a logged-in user, entitled to one firm's side of
    one invitation. Services accept it wherever they accept a user; the audit trail records
    ``via: link`` and the link's id."""

    manufacturer_id: int
    link_kind: str
    link_id: int
    is_authenticated: bool = False
    pk: None = None
    via: str = "link"

    def audit_data(self) -> dict[str, Any]:
        return {"via": self.via, "link": f"{self.link_kind}:{self.link_id}"}


def _signer(kind: str) -> signing.Signer:
    return signing.Signer(salt=f"shisaku.link.{kind}")


def nonce_digest(nonce: str) -> str:
    """What is stored of a token: the SHA-256 of its nonce (looked up by the unique index)."""
    return hashlib.sha256(nonce.encode()).hexdigest()


def token_make(kind: str) -> tuple[str, str]:
    """A fresh token of ``kind`` and the digest to store with its link row."""
    nonce = secrets.token_urlsafe(24)
    return _signer(kind).sign(nonce), nonce_digest(nonce)


def token_read(kind: str, token: str) -> str:
    """The digest to look the token's link up by; :class:`LinkRefused` ("forged") when the
    signature is wrong (a mistyped, altered or made-up token, or one of another kind)."""
    try:
        nonce = _signer(kind).unsign(str(token or "")[:300])
    except signing.BadSignature:
        raise LinkRefused(FORGED, "this link is not one we sent (forged or mistyped)") from None
    if not nonce:
        raise LinkRefused(FORGED, "this link is not one we sent (forged or mistyped)")
    return nonce_digest(nonce)


def client_address(request: Any) -> str:
    """The client's address (``REMOTE_ADDR``; behind a proxy, the proxy sets it)."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")[:64]


def client_hits(request: Any, *, scope: str, window_s: int) -> int:
    """Count one request of the client's address in ``scope`` and return how many it has
    made in the current fixed window of ``window_s`` seconds (1 for the first).

    The one counter behind every rate limit of link pages (portal links here, account and
    claim links in ``accounts.throttle``). Counts live in Django's cache: shared by every
    process with Redis, per process with the embedded default (docs/OPERATIONS.md).
    """
    import time

    key = f"shisaku:rate:{scope}:{client_address(request)}:{int(time.time() // window_s)}"
    if cache.add(key, 1, timeout=window_s + 10):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s + 10)
        return 1


def link_rate_limited(request: Any) -> bool:
    """Count one request to a link page for the client's address; True once the address has
    made more than ``SHISAKU_LINK_RATE_PER_MINUTE`` (default 60) in the current minute."""
    limit = int(getattr(settings, "SHISAKU_LINK_RATE_PER_MINUTE", 60))
    return client_hits(request, scope="portal", window_s=60) > limit
