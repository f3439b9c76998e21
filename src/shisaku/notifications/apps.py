from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shisaku.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from shisaku.core.context import nav_badge_register
        from shisaku.notifications.selectors import unread_count

        nav_badge_register("notifications:list", unread_count)
