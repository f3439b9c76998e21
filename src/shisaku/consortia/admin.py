"""Admin for window inquiries and consortia (read mostly; workflows go through services)."""

from django.contrib import admin

from shisaku.consortia.models import Consortium, ConsortiumMember, WindowRequest


@admin.register(WindowRequest)
class WindowRequestAdmin(admin.ModelAdmin):
    list_display = ("project", "coordinator", "kind", "status", "owner", "created_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("project", "coordinator", "owner", "created_by")


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    raw_id_fields = ("manufacturer",)
    readonly_fields = ("invited_at", "responded_at")


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ("project", "coordinator", "status", "lead", "updated_at")
    list_filter = ("status",)
    raw_id_fields = ("project", "coordinator", "lead", "owner", "created_by")
    inlines = [ConsortiumMemberInline]
