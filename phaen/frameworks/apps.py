from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "phaen.frameworks"
    label = "frameworks"
    verbose_name = _("กรอบการเชื่อมโยง")

    def ready(self) -> None:
        from phaen.core.navigation import MenuItem, register_menu_item

        register_menu_item(
            MenuItem(_("แผน"), _("กรอบการเชื่อมโยง"), "frameworks:framework_list", order=60)
        )
