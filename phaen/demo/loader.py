"""Load the demo data through the same services the UI uses (so it is audited like real data).

Every step is idempotent: rows are found by their code or user name and created only when
missing, so running ``load_demo`` twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from phaen.core.models import User
from phaen.demo.orgs_data import ACCOUNTS, DEMO_PASSWORD, PROVINCES, UNITS
from phaen.orgs.models import Membership, OrgUnit
from phaen.orgs.services import membership_create, orgunit_create


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + count


@transaction.atomic
def load_orgs(report: LoadReport) -> dict[str, OrgUnit]:
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[row[0] for row in UNITS])}
    for code, name, short_name, kind, affiliation, parent_code in UNITS:
        if code in units:
            continue
        parent = units[parent_code] if parent_code else None
        units[code] = orgunit_create(
            actor=None,
            instance=OrgUnit(
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                affiliation=affiliation,
                parent=parent,
                province=PROVINCES.get(code, parent.province if parent else ""),
            ),
            reason="ข้อมูลสาธิต",
        )
        report.add("หน่วยงาน")
    return units


@transaction.atomic
def load_accounts(report: LoadReport, units: dict[str, OrgUnit]) -> None:
    for username, full_name, position, role, unit_code, superuser in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                position=position,
                email=f"{username}@demo.phaen.invalid",
                is_superuser=superuser,
                is_staff=superuser,
                is_demo_account=True,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            report.add("บัญชีสาธิต")
        unit = units[unit_code]
        if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
            membership_create(
                actor=None, instance=Membership(user=user, unit=unit, role=role), reason="ข้อมูลสาธิต"
            )
            report.add("บทบาทของผู้ใช้")
