from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from shisaku.accounts.models import Membership, Organisation, TeamInvitation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(User)
class ShisakuUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Shisaku", {"fields": ("preferred_language",)}))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "created_at")
    list_filter = ("kind", "country")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(TeamInvitation)
class TeamInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "status", "created_at")
    list_filter = ("status", "role")
    search_fields = ("email", "organisation__name")
    raw_id_fields = ("organisation", "invited_by", "accepted_by")
