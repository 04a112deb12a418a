"""What the benchmark data builders (``plan_data``, ``budget_data``, ``monitoring_data``) and
the suites share.

:class:`BulkBuilder` holds the seeded random source the rows are drawn from, inserts rows with
``bulk_create`` counting them by model, and records how long each step took;
:func:`create_plan` makes the action plan and its first version that the plan and the budget
builders fill. Everything is seeded: two builds from the same seed make the same rows.
:func:`province_units` finds the units of the benchmarked province and :func:`bench_users`
the users the cases act as.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from phaen.core.models import User
from phaen.orgs.models import Membership, OrgUnit
from phaen.plans.models import ActionPlan, FiscalYear, PlanVersion

CENT = Decimal("0.01")


class BulkBuilder:
    """A seeded source of rows and the bulk inserts that write them.

    ``counts`` is how many rows each model got (by model name, in the order of the first
    insert); ``seconds`` how long each named step took (see :meth:`timed`).
    """

    def __init__(self, seed: int, *, batch_size: int = 1000) -> None:
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.counts: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = {}

    def lineage(self) -> uuid.UUID:
        """A lineage id (a version 4 UUID from the seeded source)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def money(self, low: int, high: int, step: int = 500) -> Decimal:
        """An amount from ``low`` to ``high`` baht in steps of ``step``, to the satang."""
        return Decimal(self.rng.randrange(low, high + 1, step)).quantize(CENT)

    def insert(self, model: type[Any], rows: list[Any], batch_size: int | None = None) -> list[Any]:
        """``bulk_create`` the rows (``batch_size`` at a time, by default the builder's) and
        count them; returns the created rows."""
        created = model._default_manager.bulk_create(rows, batch_size=batch_size or self.batch_size)
        self.counts[model._meta.model_name] += len(rows)
        return created

    def timed(self, name: str, started: float) -> None:
        """Record the seconds since ``started`` (a ``time.perf_counter()``) as step ``name``."""
        self.seconds[name] = round(time.perf_counter() - started, 2)


def create_plan(
    *,
    unit: OrgUnit,
    fiscal_year: FiscalYear,
    title: str,
    actor: Any,
    **version_fields: Any,
) -> tuple[ActionPlan, PlanVersion]:
    """The action plan of ``unit`` for ``fiscal_year`` and its first (initial, draft) version,
    with ``version_fields`` (vision, values…), both made by ``actor``."""
    plan = ActionPlan.objects.create(
        unit=unit,
        fiscal_year=fiscal_year,
        title=title,
        created_by=actor,
        updated_by=actor,
    )
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        kind=PlanVersion.Kind.INITIAL,
        created_by=actor,
        updated_by=actor,
        **version_fields,
    )
    return plan, version


def province_units(province: str) -> tuple[OrgUnit, list[OrgUnit], list[OrgUnit]]:
    """The provincial education office of ``province``, its work groups and its (primary and
    secondary) service areas, by path."""
    peo = OrgUnit.objects.get(kind=OrgUnit.Kind.PROVINCIAL_OFFICE, province=province)
    groups = list(OrgUnit.objects.filter(parent=peo, kind=OrgUnit.Kind.WORK_GROUP).order_by("path"))
    areas = list(
        OrgUnit.objects.filter(
            parent=peo,
            kind__in=[OrgUnit.Kind.PRIMARY_SERVICE_AREA, OrgUnit.Kind.SECONDARY_SERVICE_AREA],
        ).order_by("path")
    )
    return peo, groups, areas


def bench_users(specs: Sequence[tuple[str, str, str | None, OrgUnit | None]]) -> dict[str, User]:
    """The users the cases act as, by label, from ``(label, username, role, unit)``.

    Made if missing (so ``--reuse`` finds them), with an unusable password and a membership of
    ``role`` in ``unit``; without a role and a unit, a superuser.
    """
    users: dict[str, User] = {}
    for label, username, role, unit in specs:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": f"ผู้ใช้ทดสอบ {label}"}
        )
        if created:
            user.set_unusable_password()
            user.is_superuser = user.is_staff = role is None
            user.save()
            if role is not None and unit is not None:
                Membership.objects.create(user=user, unit=unit, role=role)
        users[label] = user
    return users
