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
