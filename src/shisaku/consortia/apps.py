from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "shisaku.consortia"
    label = "consortia"
    verbose_name = _("Joint orders")

    def ready(self) -> None:
        from shisaku.consortia.notify import register_kinds

        register_kinds()
