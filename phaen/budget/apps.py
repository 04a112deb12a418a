from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "phaen.budget"
    label = "budget"
    verbose_name = _("งบประมาณและการเบิกจ่าย")

    def ready(self) -> None:
        from phaen.budget import models, rollups
        from phaen.orgs.services import register_move_hook, register_path_copy

        # Rows that copy their unit's path; moving a unit rewrites the copies.
        for model in (
            models.Allocation,
            models.Commitment,
            models.Disbursement,
            models.BudgetTransfer,
            models.CarryOver,
            models.Lapse,
            models.BudgetPolicy,
        ):
            register_path_copy(model, "unit_path")
        # The running sums are kept per unit and its ancestors: recompute after a move.
        register_move_hook(rollups.rebuild_after_move)

        # "Waiting for me": transfers the user may approve.
        from phaen.budget.inbox import transfers_to_approve
        from phaen.core.inbox import register_inbox_source

        register_inbox_source(transfers_to_approve)

        # The project page shows the project's money.
        from phaen.budget.views.records import project_money_context
        from phaen.plans.sections import ProjectSection, register_project_section

        register_project_section(
            ProjectSection("budget/project_money_section.html", project_money_context, order=10)
        )

        from phaen.core.navigation import MenuItem, register_menu_item

        budget_section = _("งบประมาณ")
        # Menu: setup (allocations, transfers, year end, reference data).
        from phaen.core.access import MANAGERS

        register_menu_item(
            MenuItem(budget_section, _("การจัดสรรงบประมาณ"), "budget:allocation_list", order=64)
        )
        register_menu_item(
            MenuItem(budget_section, _("การโอนเปลี่ยนแปลง"), "budget:budgettransfer_list", order=66)
        )
        register_menu_item(
            MenuItem(budget_section, _("ปิดปีงบประมาณ"), "budget:yearend", order=76, roles=MANAGERS)
        )
        register_menu_item(
            MenuItem(budget_section, _("เงินกันไว้เบิกเหลื่อมปี"), "budget:carryover_list", order=77)
        )
        register_menu_item(
            MenuItem(budget_section, _("ข้อมูลพื้นฐานงบประมาณ"), "budget:setup", order=79)
        )
        # Menu: the overview, efficiency, the Budget Bureau's form.
        register_menu_item(
            MenuItem(budget_section, _("ภาพรวมงบประมาณ"), "budget:overview", order=61)
        )
        register_menu_item(
            MenuItem(budget_section, _("ประสิทธิภาพการใช้จ่าย"), "budget:efficiency", order=62)
        )
        register_menu_item(MenuItem(budget_section, _("แบบ สงป. 301"), "budget:form301", order=63))
        # Menu: records (commitments and disbursements).
        register_menu_item(
            MenuItem(budget_section, _("การก่อหนี้ผูกพัน"), "budget:commitment_list", order=70)
        )
        register_menu_item(
            MenuItem(budget_section, _("การเบิกจ่าย"), "budget:disbursement_list", order=72)
        )
