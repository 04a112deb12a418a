"""Access scenarios of frameworks and their nodes (run by tests/test_access_matrix.py).

Rows belong to ``home`` (school A2): a framework owned by that unit, and nodes of it. National
frameworks are public, so anonymous visitors list frameworks, but never these.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from phaen.core.testing import AccessScenario
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.tests.factories import make_framework, make_node

NEW_NAME = "แก้ไขในการทดสอบสิทธิ์"


class FrameworkScenario(AccessScenario):
    model = Framework
    ui_prefix = "frameworks:framework"
    api_path = "/api/v1/frameworks/"
    public = True

    def make(self) -> Framework:
        return make_framework(self.home, code="access-school-plan")

    def ui_create_data(self) -> dict[str, Any]:
        return {
            "name": "ยุทธศาสตร์ของโรงเรียน พ.ศ. 2561–2565",
            "kind": "other",
            "level": "3",
            "year_start": "2561",
            "year_end": "2565",
            "status": "final",
            "owner": self.home.pk,
            "code": "access-new",
            "family": "access-new",
        }

    def api_create_data(self) -> dict[str, Any]:
        return {**self.ui_create_data(), "level": 3, "year_start": 2561, "year_end": 2565}

    def ui_update_data(self, obj: Framework) -> dict[str, Any]:
        return {
            "name": NEW_NAME,
            "kind": obj.kind,
            "level": str(obj.level),
            "year_start": str(obj.year_start),
            "year_end": str(obj.year_end),
            "status": obj.status,
            "owner": obj.owner_id,
            "code": obj.code,
            "family": obj.family,
            "version": obj.version,
        }

    def api_update_data(self, obj: Framework) -> dict[str, Any]:
        return {"name": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[Framework]:
        return Framework.objects.filter(code="access-new")

    def changed(self, obj: Framework) -> bool:
        obj.refresh_from_db()
        return obj.name == NEW_NAME


class FrameworkNodeScenario(AccessScenario):
    model = FrameworkNode
    ui_prefix = "frameworks:frameworknode"
    api_path = "/api/v1/framework-nodes/"
    public = True

    @cached_property
    def framework(self) -> Framework:
        return make_framework(self.home, code="access-school-plan")

    def make(self) -> FrameworkNode:
        return make_node(self.framework, "1", title="ข้อเดิม")

    def ui_create_data(self) -> dict[str, Any]:
        return {"framework": self.framework.pk, "code": "NEW1", "title": "ข้อใหม่"}

    def ui_update_data(self, obj: FrameworkNode) -> dict[str, Any]:
        return {
            "code": obj.code,
            "title": NEW_NAME,
            "parent": obj.parent_id or "",
            "order": obj.order,
            "version": obj.version,
        }

    def api_update_data(self, obj: FrameworkNode) -> dict[str, Any]:
        return {"title": NEW_NAME, "version": obj.version}

    def created(self) -> QuerySet[FrameworkNode]:
        return FrameworkNode.objects.filter(code="NEW1")

    def changed(self, obj: FrameworkNode) -> bool:
        obj.refresh_from_db()
        return obj.title == NEW_NAME
