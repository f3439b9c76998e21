from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "shisaku.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from shisaku.core import events
        from shisaku.insights.opendata import insights_publish_event, insights_version

        events.subscribe(events.OPENDATA_WRITTEN, insights_publish_event)
        events.subscribe(events.OPENDATA_VERSION, insights_version)
