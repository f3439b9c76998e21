"""Mark claim invitations to addresses as bounced (hook for a mail system's bounce reports):

    shisaku manage claims_bounce someone@example.com other@example.org
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shisaku.claims.pool import pool_bounces_record


class Command(BaseCommand):
    help = "Mark every open claim invitation to the given e-mail addresses as bounced."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        for email in options["emails"]:
            changed = pool_bounces_record(email=email)
            self.stdout.write(f"{email}: {changed} invitation(s) marked bounced")
