"""Frameworks and nodes for tests, made through the services (so they are audited)."""

from __future__ import annotations

from typing import Any

from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.services import framework_create, node_create
from phaen.orgs.models import OrgUnit


def make_framework(owner: OrgUnit | None, code: str = "pep-2561", **values: Any) -> Framework:
    """A provincial education plan owned by ``owner`` (defaults overridable)."""
    fields: dict[str, Any] = {
        "name": f"แผนพัฒนาการศึกษาทดสอบ {code}",
        "short_name": f"แผนทดสอบ {code}",
        "family": code,
        "kind": Framework.Kind.PROVINCIAL_EDUCATION_PLAN,
        "level": 3,
        "year_start": 2561,
        "year_end": 2565,
        "status": Framework.Status.FINAL,
        **values,
    }
    return framework_create(actor=None, instance=Framework(code=code, owner=owner, **fields))


def make_node(
    framework: Framework, code: str, parent: FrameworkNode | None = None, **values: Any
) -> FrameworkNode:
    values.setdefault("title", f"ข้อ {code}")
    return node_create(
        actor=None, instance=FrameworkNode(framework=framework, parent=parent, code=code, **values)
    )


def make_tree(
    framework: Framework, strategies: int = 2, per_strategy: int = 2
) -> list[FrameworkNode]:
    """Strategies 1..n, each with goals n.1..n.m (in reading order)."""
    nodes = []
    for number in range(1, strategies + 1):
        strategy = make_node(framework, str(number), level_name="ยุทธศาสตร์")
        nodes.append(strategy)
        for sub in range(1, per_strategy + 1):
            nodes.append(make_node(framework, f"{number}.{sub}", strategy, level_name="เป้าประสงค์"))
    return nodes
