"""Starts Django for the CLI and scripts (settings module and django.setup())."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shisaku.settings")
    import django

    django.setup()
