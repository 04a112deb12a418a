from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "phaen.core"
    label = "core"
    verbose_name = _("แกนระบบ")

    def ready(self) -> None:
        from phaen.core.access import Role
        from phaen.core.navigation import MenuItem, register_menu_item

        register_menu_item(MenuItem(_("หน้าหลัก"), _("ภาพรวม"), "home", order=0))
        register_menu_item(MenuItem(_("หน้าหลัก"), _("งานที่รอฉัน"), "inbox", order=1))
        register_menu_item(MenuItem(_("หน้าหลัก"), _("การแจ้งเตือน"), "notification_list", order=2))

        from phaen.core.home import HomePanel, register_home_panel
        from phaen.core.views.inbox import inbox_panel

        register_home_panel(HomePanel("core/panels/inbox.html", inbox_panel, order=5))
        register_menu_item(
            MenuItem(
                _("ผู้ดูแลระบบ"),
                _("บันทึกการเปลี่ยนแปลง"),
                "core:auditevent_list",
                order=900,
                roles=frozenset({Role.ADMIN}),
            )
        )
