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
