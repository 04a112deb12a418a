"""The monitoring section of the navigation menu (ติดตามและประเมินผล).

The pages of monitoring are written in parts (phaen/monitoring/urls.py gathers each views
module's routes): an item is registered only when its page exists, so the menu never links to a
page that is not there. The check reads the route names of the monitoring views modules, not
the whole URLconf, so that it runs safely while the apps are being loaded.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from phaen.core.navigation import MenuItem, register_menu_item
from phaen.monitoring.views.reports import APPROVERS

SECTION = _("ติดตามและประเมินผล")

#: (label, route name in the ``monitoring`` namespace, order, roles or None for everyone).
ITEMS = [
    (_("รายงานความก้าวหน้า"), "progressreport_list", 80, None),
    # The bulk approval page admits exactly these roles (views.reports.BulkApproveView).
    (_("อนุมัติรายงาน"), "progressreport_bulk_approve", 81, APPROVERS),
    (_("การแก้ไขปัญหา"), "correctiveaction_list", 82, None),
    (_("สถานะการรายงาน"), "compliance", 83, None),
    (_("ภาพรวมรายไตรมาส"), "overview", 84, None),
    (_("แบบ สงป. 302"), "form302", 85, None),
    (_("ผลการประเมิน"), "evaluation_list", 86, None),
    (_("บทเรียน"), "lessonlearned_list", 87, None),
    (_("รอบการรายงาน"), "reportingperiod_list", 89, None),
]


def route_names() -> set[str]:
    """The names of the monitoring routes that exist."""
    from phaen.monitoring.urls import urlpatterns

    return {pattern.name for pattern in urlpatterns if pattern.name}


def register_ui() -> None:
    """Register the menu items of the monitoring pages (called from the app's ready())."""
    existing = route_names()
    for label, name, order, roles in ITEMS:
        if name in existing:
            register_menu_item(
                MenuItem(
                    SECTION,
                    label,
                    f"monitoring:{name}",
                    order=order,
                    roles=frozenset(roles) if roles is not None else None,
                )
            )
    from phaen.monitoring import sections  # the project and plan pages' monitoring sections

    sections.register()
