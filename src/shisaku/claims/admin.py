from django.contrib import admin

from shisaku.claims.models import Claim, PoolInvitation


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("manufacturer", "applicant", "status", "contested", "created_at")
    list_filter = ("status", "contested", "via_contact_link")
    raw_id_fields = ("manufacturer", "applicant", "invitation", "organisation", "decided_by")
    search_fields = ("manufacturer__name", "applicant__username", "email")


@admin.register(PoolInvitation)
class PoolInvitationAdmin(admin.ModelAdmin):
    list_display = ("manufacturer", "email", "status", "send_count", "last_sent_at")
    list_filter = ("status",)
    raw_id_fields = ("manufacturer", "sent_by")
    search_fields = ("manufacturer__name", "email")
