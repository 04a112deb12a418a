from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _fiscal_year_created(
    sender: Any, instance: Any, created: bool, raw: bool, **kwargs: Any
) -> None:
    """A new fiscal year gets its reporting periods (plans may not import monitoring)."""
    if created and not raw:
        from phaen.monitoring.services import periods_generate_for_new_year

        periods_generate_for_new_year(fiscal_year=instance)


class MonitoringConfig(AppConfig):
    name = "phaen.monitoring"
    label = "monitoring"
    verbose_name = _("การติดตามและประเมินผล")

    def ready(self) -> None:
        from phaen.monitoring import models, selectors
        from phaen.orgs.services import register_path_copy
        from phaen.plans.models import FiscalYear
        from phaen.plans.selectors import register_latest_values

        # Rows that copy unit paths; moving a unit rewrites the copies.
        copies: list[tuple[type[Any], str]] = [
            (models.PeriodDeadline, "unit_path"),
            (models.LateEntryException, "unit_path"),
            (models.ProgressReport, "unit_path"),
            (models.ProgressReport, "plan_unit_path"),
            (models.IndicatorResult, "unit_path"),
            (models.IndicatorResult, "plan_unit_path"),
            (models.CorrectiveAction, "unit_path"),
            (models.Evidence, "unit_path"),
            (models.Evidence, "plan_unit_path"),
            (models.Evaluation, "unit_path"),
            (models.Evaluation, "plan_unit_path"),
            (models.LessonLearned, "unit_path"),
        ]
        for model, field_name in copies:
            register_path_copy(model, field_name)

        # The gap analysis of plans reads the latest measured value of each indicator.
        register_latest_values(selectors.latest_values)

        # The history in words ("ส่งกลับรายงานความก้าวหน้า"): the verbs of the workflow.
        from phaen.core.models import ACTION_VERBS

        for verb, label in {
            "generated": _("สร้างรอบการรายงานของ"),
            "submitted": _("ส่ง"),
            "resubmitted": _("ส่งอีกครั้ง: "),
            "returned": _("ส่งกลับ"),
            "reopened": _("เปิดแก้ไข"),
            "revoked": _("เพิกถอน"),
            "prepared": _("จัดทำผลการประเมิน"),
        }.items():
            ACTION_VERBS.setdefault(verb, label)

        # Every new fiscal year gets its quarters, half year and year (periods_generate).
        post_save.connect(
            _fiscal_year_created, sender=FiscalYear, dispatch_uid="monitoring_periods_for_new_year"
        )

        # The menu, the reminders and the "waiting for me" section.
        from phaen.monitoring import menu, reminders

        menu.register_ui()
        reminders.register()
