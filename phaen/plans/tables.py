"""Tables of the list pages (fiscal years, action plans, projects) and of their exports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phaen.core.tables import Column, Table
from phaen.plans.models import PlanVersion, Project
from phaen.plans.templatetags.plan_structure import be_months


def current_version_text(plan: Any) -> str | None:
    """ "ฉบับที่ 2 ฉบับปรับปรุงตามงบประมาณที่ได้รับจัดสรร" from the list's annotations."""
    if plan.current_number is None:
        return None
    kind = PlanVersion.Kind(plan.current_kind).label if plan.current_kind else ""
    return f"{gettext('ฉบับที่')} {plan.current_number} {kind}".strip()


def current_status_text(plan: Any) -> str | None:
    if not plan.current_status:
        return None
    return str(PlanVersion.Status(plan.current_status).label)


def project_months(project: Project) -> str:
    return be_months(project.start_month, project.end_month)


def project_issue(project: Project) -> str | None:
    if project.strategy is None:
        return None
    return str(project.strategy.strategic_issue)


class FiscalYearTable(Table):
    columns = [
        Column("year", _("ปีงบประมาณ (พ.ศ.)"), order_by="year", link=True),
        Column("is_open", _("เปิดให้แก้ไข"), order_by="is_open"),
        Column("plan_count", _("จำนวนแผน"), order_by="plan_count", numeric=True),
        Column("note", _("หมายเหตุ")),
    ]
    default_order = ("-year",)


class ActionPlanTable(Table):
    columns = [
        Column("unit", _("หน่วยงาน"), accessor="unit.label", order_by="unit__path"),
        Column(
            "fiscal_year",
            _("ปีงบประมาณ"),
            accessor="fiscal_year.year",
            order_by="fiscal_year__year",
        ),
        Column("title", _("ชื่อแผน"), order_by="title", link=True),
        Column("current_version", _("ฉบับที่ใช้อยู่"), accessor=current_version_text),
        Column("status", _("สถานะ"), accessor=current_status_text, order_by="current_status"),
        Column("project_count", _("โครงการ"), order_by="project_count", numeric=True),
        Column("budget_total", _("งบประมาณ (บาท)"), order_by="budget_total", numeric=True),
    ]
    default_order = ("-fiscal_year__year", "unit__path")


class ProjectTable(Table):
    columns = [
        Column("code", _("รหัส"), order_by="code"),
        Column("name", _("ชื่อโครงการ"), order_by="name", link=True),
        Column(
            "plan",
            _("แผน"),
            accessor="plan_version.plan.unit.label",
            order_by="plan_version__plan__unit__path",
        ),
        Column("issue", _("ประเด็นยุทธศาสตร์"), accessor=project_issue),
        Column("lead_unit", _("เจ้าภาพหลัก"), accessor="lead_unit.label", order_by="lead_unit__name"),
        Column("months", _("ระยะเวลา"), accessor=project_months, order_by="start_month"),
        Column("budget", _("งบประมาณ (บาท)"), order_by="budget", numeric=True),
        Column("status", _("สถานะ"), accessor="get_status_display", order_by="status"),
    ]
    default_order = ("plan_version__plan__unit__path", "code", "pk")
