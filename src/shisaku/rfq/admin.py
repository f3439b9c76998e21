"""Admin: the currency rates table (coordinators keep it current) and read-mostly views of
the workflow records."""

from __future__ import annotations

from django.contrib import admin

from shisaku.rfq.models import RFQ, Award, CurrencyRate, Invitation, Quote, ReplyStats


@admin.register(CurrencyRate)
class CurrencyRateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("currency", "rate_to_usd", "as_of")
    list_filter = ("currency",)
    date_hierarchy = "as_of"


@admin.register(RFQ)
class RFQAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "project", "status", "quote_deadline", "sealed")
    list_filter = ("status",)
    readonly_fields = ("status", "sent_at", "closed_at")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("rfq", "manufacturer", "status", "sent_at", "ack_deadline", "overdue_at")
    list_filter = ("status",)
    readonly_fields = ("status", "sent_at", "viewed_at", "acknowledged_at", "replied_at",
                       "overdue_at")


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("invitation", "revision", "status", "currency", "submitted_at")
    readonly_fields = ("status",)


admin.site.register(Award)
admin.site.register(ReplyStats)
