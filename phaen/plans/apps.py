from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "phaen.plans"
    label = "plans"
    verbose_name = _("แผนปฏิบัติการ")

    def ready(self) -> None:
        from phaen.orgs.services import register_path_copy
        from phaen.plans.models import Project

        # Projects copy their plan's and lead unit's paths; moving a unit rewrites the copies.
        register_path_copy(Project, "plan_unit_path")
        register_path_copy(Project, "lead_unit_path")

        # "Waiting for me": plan versions the user may approve.
        from phaen.core.inbox import register_inbox_source
        from phaen.plans.inbox import plan_versions_to_approve

        register_inbox_source(plan_versions_to_approve)

        # Menu: analysis pages (section "แผน").
        from phaen.core.navigation import MenuItem, register_menu_item

        plans_section = _("แผน")
        # Menu: plans, projects, fiscal years (structure pages).
        register_menu_item(
            MenuItem(plans_section, _("แผนปฏิบัติการ"), "plans:actionplan_list", order=40)
        )
        register_menu_item(MenuItem(plans_section, _("โครงการ"), "plans:project_list", order=42))
        register_menu_item(
            MenuItem(plans_section, _("ปีงบประมาณ"), "plans:fiscalyear_list", order=50)
        )
        register_menu_item(MenuItem(plans_section, _("งานของหน่วยงาน"), "plans:my_work", order=44))
        register_menu_item(
            MenuItem(plans_section, _("ปฏิทินกิจกรรม"), "plans:calendar", order=46, public=True)
        )
