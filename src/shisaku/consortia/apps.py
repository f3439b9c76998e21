from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "shisaku.consortia"
    label = "consortia"
    verbose_name = _("Joint orders")

    def ready(self) -> None:
        # rfq publishes; consortia (a floor above) records joint awards and marks joint quotes.
        from shisaku.consortia.selectors import joint_quote_marks
        from shisaku.consortia.services import joint_award_on_award
        from shisaku.core import events

        events.subscribe(events.AWARD_CREATED, joint_award_on_award)
        events.subscribe(events.QUOTE_MARKS, joint_quote_marks)
        from shisaku.consortia.notify import register_kinds

        register_kinds()
