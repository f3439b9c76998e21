from django.contrib import admin

from shisaku.orders.models import (
    ChangeOrder,
    Order,
    OrderDocument,
    OrderLine,
    PaymentMilestone,
    Shipment,
    ToolingAsset,
    ToolingTransfer,
)


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("__str__", "project", "manufacturer", "status", "promised_ship_date",
                    "on_time")
    list_filter = ("status",)
    search_fields = ("project__title", "manufacturer__name")
    inlines = [LineInline, ShipmentInline]
    raw_id_fields = ("rfq", "project", "startup", "manufacturer", "quote", "awards")


admin.site.register([ChangeOrder, OrderDocument, PaymentMilestone, ToolingTransfer])


@admin.register(ToolingAsset)
class ToolingAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "owner", "location", "status")
    raw_id_fields = ("order", "part", "owner", "location")
