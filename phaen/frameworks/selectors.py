"""Reads of frameworks that are more than a filter: a framework's nodes as an ordered tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from phaen.frameworks.models import Framework, FrameworkNode


def tree_order(nodes: Iterable[FrameworkNode]) -> list[FrameworkNode]:
    """Nodes in reading order: each parent before its children, siblings by ``order`` then id.

    (The materialised path orders siblings by id, i.e. by when they were added; offices order
    them by their numbering, which ``order`` holds.)
    """
    children: dict[int | None, list[FrameworkNode]] = defaultdict(list)
    listed = list(nodes)
    known = {node.pk for node in listed}
    for node in listed:
        # A node whose parent is not among ``nodes`` is shown at the top of what is listed.
        parent = node.parent_id if node.parent_id in known else None
        children[parent].append(node)
    for siblings in children.values():
        siblings.sort(key=lambda node: (node.order, node.pk))
    result: list[FrameworkNode] = []
    stack = list(reversed(children[None]))
    while stack:
        node = stack.pop()
        result.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return result


def framework_tree(framework: Framework) -> list[FrameworkNode]:
    """All nodes of a framework in reading order (one query)."""
    return tree_order(FrameworkNode.objects.filter(framework=framework))
