from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RfqConfig(AppConfig):
    name = "shisaku.rfq"
    label = "rfq"
    verbose_name = _("Requests for quotation")

    def ready(self) -> None:
        from shisaku.rfq.notify import register_kinds

        register_kinds()
