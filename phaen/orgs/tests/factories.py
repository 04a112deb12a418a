"""Factories of org units and memberships; units are created through the service (paths)."""

from __future__ import annotations

from typing import Any

import factory

from phaen.core.tests.factories import UserFactory
from phaen.orgs.models import Membership, OrgUnit
from phaen.orgs.services import membership_create, orgunit_create


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"หน่วยงานทดสอบ {n}")
    code = factory.Sequence(lambda n: f"T{n:06d}")
    kind = OrgUnit.Kind.SCHOOL
    affiliation = OrgUnit.Affiliation.OBEC
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return orgunit_create(actor=None, instance=model_class(*args, **kwargs))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = "viewer"

    @classmethod
    def _create(cls, model_class: type[Membership], *args: Any, **kwargs: Any) -> Membership:
        return membership_create(actor=None, instance=model_class(*args, **kwargs))
