from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "phaen.orgs"
    label = "orgs"
    verbose_name = _("หน่วยงานและผู้ใช้")

    def ready(self) -> None:
        from phaen.core.access import register_grant_provider
        from phaen.core.home import HomePanel, register_home_panel
        from phaen.core.navigation import MenuItem, register_menu_item
        from phaen.orgs.access import grants_for_user
        from phaen.orgs.models import Membership
        from phaen.orgs.views import my_units_panel

        register_grant_provider(grants_for_user)
        section = _("หน่วยงาน")
        register_menu_item(MenuItem(section, _("ผังหน่วยงาน"), "orgs:tree", order=10))
        register_menu_item(MenuItem(section, _("รายชื่อหน่วยงาน"), "orgs:orgunit_list", order=20))
        register_menu_item(
            MenuItem(
                section,
                _("ผู้ใช้และบทบาท"),
                "orgs:membership_list",
                order=30,
                roles=Membership.access_rules.roles_for("view"),
            )
        )
        register_home_panel(HomePanel("orgs/panels/my_units.html", my_units_panel, order=10))
