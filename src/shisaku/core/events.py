"""Named domain events: how a lower app tells a higher one that something happened.

A lower app (``rfq``) must not import a higher one (``consortia``, ``orders``; ARCHITECTURE.md
rule 8). It publishes a named event instead, and each higher app subscribes in its
``AppConfig.ready()``. Handlers run synchronously, in the publisher's transaction, in the order
they subscribed: an award and the order it creates commit or roll back together. A handler's
exception propagates to the publisher (nothing is half-done).

Events (names are stable; payloads are keyword arguments):

- ``rfq.award_created``: ``actor``, ``rfq``, ``quote``, ``awards`` (list of Award), ``now``.
- ``rfq.rating_refusal``: ``award`` -> each handler returns None when the award may be rated
  now, or the reason it may not yet (the orders app: only after delivery).
- ``rfq.award_links``: ``award`` -> each handler returns ``[(label, url)]`` shown beside the
  award on the RFQ page (the orders app links the award's order).
- ``rfq.quote_marks``: ``rfq`` -> each handler returns ``{manufacturer_id: mark}`` to show
  beside that firm's quote in the comparison (the consortia app marks joint quotes).
- ``opendata.written``: ``out_dir`` (a folder holding the directory's snapshot and its
  ``datapackage.json``) -> each handler adds its own files and resources there and returns
  ``(name, summary)`` (the insights app adds its statistics).
- ``directory.bulk_changed``: no payload; published once a transaction that changed more firms
  than the change log lists one by one has committed (the directory queues a new index
  snapshot in the worker, so that no web request has to build it).
- ``opendata.version``: no payload -> each handler returns a short string that changes when
  its published files would (the snapshot's version on the open-data page includes them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

__all__ = ["AWARD_CREATED", "AWARD_LINKS", "DIRECTORY_BULK_CHANGED", "OPENDATA_VERSION",
           "OPENDATA_WRITTEN",
           "QUOTE_MARKS", "RATING_REFUSAL", "publish", "subscribe", "subscribers"]

AWARD_CREATED = "rfq.award_created"
AWARD_LINKS = "rfq.award_links"
QUOTE_MARKS = "rfq.quote_marks"
RATING_REFUSAL = "rfq.rating_refusal"
OPENDATA_WRITTEN = "opendata.written"
DIRECTORY_BULK_CHANGED = "directory.bulk_changed"
OPENDATA_VERSION = "opendata.version"

Handler = Callable[..., Any]
_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Register ``handler`` for the event ``name`` (idempotent: the same handler once)."""
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def subscribers(name: str) -> list[Handler]:
    """The handlers of ``name`` in subscription order (a copy)."""
    return list(_subscribers.get(name, ()))


def publish(name: str, **payload: Any) -> list[Any]:
    """Call every handler of ``name`` with ``payload``; their return values, in order."""
    return [handler(**payload) for handler in subscribers(name)]
