from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "shisaku.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from shisaku.core.events import DIRECTORY_BULK_CHANGED, subscribe
        from shisaku.directory.models import Manufacturer
        from shisaku.directory.services import manufacturer_deleted
        from shisaku.directory.tasks import directory_index_compact_soon

        subscribe(DIRECTORY_BULK_CHANGED, directory_index_compact_soon)
        post_delete.connect(manufacturer_deleted, sender=Manufacturer,
                            dispatch_uid="directory-change-log")
