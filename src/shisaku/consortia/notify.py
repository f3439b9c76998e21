"""The consortium notification kinds (registered with ``shisaku.notifications`` in
``ConsortiaConfig.ready()``); texts are rendered in each recipient's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shisaku.notifications.kinds import kind_register

__all__ = ["CONSORTIUM_INVITED", "register_kinds"]

CONSORTIUM_INVITED = "consortium_invited"


def _invited(p: Mapping[str, Any]) -> str:
    return _("%(coordinator)s invites your firm to a joint order for %(project)s. Please "
             "answer on your joint orders page.") % {"coordinator": p["coordinator"],
                                                     "project": p["project"]}


def register_kinds() -> None:
    kind_register(code=CONSORTIUM_INVITED, label=gettext_lazy("Invitation to a joint order"),
                  text=_invited)
