from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shisaku.orders"
    label = "orders"
    verbose_name = _("Production orders")

    def ready(self) -> None:
        # rfq publishes the award; the order is created in the same transaction.
        from shisaku.core import events
        from shisaku.orders.notify import register_kinds
        from shisaku.orders.services import (
            award_links_on_award,
            order_create_on_award,
            rating_refusal_on_award,
        )

        events.subscribe(events.AWARD_CREATED, order_create_on_award)
        events.subscribe(events.RATING_REFUSAL, rating_refusal_on_award)
        events.subscribe(events.AWARD_LINKS, award_links_on_award)
        register_kinds()
