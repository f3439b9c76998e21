"""The demo's sample order history: orders in several states, figures on the profile, the
window's late / rejected / disputed rows; loading twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shisaku.cli import main

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_orders_cover_the_states_and_feed_the_figures(settings: Any,
                                                           tmp_path: Any) -> None:
    from shisaku.accounts.models import User
    from shisaku.orders.demo import TITLE
    from shisaku.orders.models import DeliveryStats, Order

    settings.HOME = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    assert main(["demo", "--no-serve", "--size", "60"]) == 0
    # The desk lamp's orders (the 18-month sample history has orders of its own).
    lamp = Order.objects.filter(project__title=TITLE)
    states = sorted(lamp.values_list("status", flat=True))
    assert states == sorted(["closed", "delivered", "in_production", "shipped", "placed",
                             "disputed"])
    late = lamp.get(status="delivered")
    assert late.on_time is False and late.first_articles.count() == 2
    stats = DeliveryStats.objects.get(manufacturer=late.manufacturer)
    assert stats.delivered >= 1 and stats.first_articles >= 1
    profile = Client().get(f"/manufacturers/{late.manufacturer_id}/").content.decode()
    assert 'data-testid="delivery-figures"' in profile
    orders = Order.objects.count()
    coordinator = Client()
    coordinator.force_login(User.objects.get(username="demo-coordinator"))
    window = coordinator.get("/window/").content.decode()
    assert 'data-kind="rejected"' in window and 'data-kind="disputed"' in window
    assert main(["demo", "--no-serve", "--size", "60"]) == 0
    assert lamp.count() == 6 and Order.objects.count() == orders
