"""The grant provider the core policy asks for a user's memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phaen.core.access import Grant
from phaen.orgs.models import Membership

if TYPE_CHECKING:
    from phaen.core.models import User


def grants_for_user(user: User) -> list[Grant]:
    """Active memberships in active units, as grants (one query)."""
    rows = Membership.objects.filter(user=user, is_active=True, unit__is_active=True).values_list(
        "unit_id", "unit__path", "role"
    )
    return [Grant(unit_id=unit_id, unit_path=path, role=role) for unit_id, path, role in rows]
