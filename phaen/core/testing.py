"""The generic access-test harness: one scenario per model drives the whole permission matrix.

An app declares, in ``<app>/tests/access.py``, a subclass of ``AccessScenario`` for each of its
models under the policy. ``tests/test_access_matrix.py`` runs every scenario through anonymous /
no role / in scope / out of scope × list, detail, create, edit, delete, in the UI and the API, and
fails when a model with ``access_rules`` has no scenario.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from phaen.core.access import Role

SCENARIOS: list[type[AccessScenario]] = []

UI_ACTIONS = frozenset({"list", "detail", "create", "edit", "delete"})


class AccessScenario:
    """How to make, create and edit one model's rows for the access matrix.

    ``world`` is the test organisation world (phaen.orgs.testing.World); objects are made
    inside ``world.school_a2`` (so a role at province A is in scope, at province B out of scope).
    """

    model: ClassVar[type[models.Model]]
    #: URL name prefix of the UI pages, e.g. "orgs:orgunit" (``_list``, ``_add``, ``_edit``...).
    ui_prefix: ClassVar[str | None] = None
    #: Collection path in the API, e.g. "/api/v1/org-units/".
    api_path: ClassVar[str | None] = None
    ui_actions: ClassVar[frozenset[str]] = UI_ACTIONS
    api_actions: ClassVar[frozenset[str]] = UI_ACTIONS
    #: The role that may add, change and delete; and one that may only read.
    writer_role: ClassVar[str] = Role.PLANNER
    reader_role: ClassVar[str | None] = Role.VIEWER
    #: Whether anonymous visitors may see published rows (then the API answers them 200 with the
    #: published rows only, and 404 for the unpublished row ``make()`` returns).
    public: ClassVar[bool] = False
    #: Reference data owned by no unit (``AccessRules(unit_path=GLOBAL)``, e.g. fiscal years):
    #: every logged-in user reads every row; ``writer_role`` at a top-level unit (``world.root``)
    #: writes, and the same role below the top ("out of scope") reads but gets 403 on writes.
    global_reference: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "model", None) is not None and cls not in SCENARIOS:
            SCENARIOS.append(cls)

    def __init__(self, world: Any) -> None:
        self.world = world

    @property
    def home(self) -> Any:
        """The unit objects are made in."""
        return self.world.school_a2

    def make(self) -> models.Model:
        """A row owned by ``home``."""
        raise NotImplementedError

    def ui_create_data(self) -> dict[str, Any]:
        """Valid POST data of the add form for a row owned by ``home``."""
        raise NotImplementedError

    def api_create_data(self) -> dict[str, Any]:
        return self.ui_create_data()

    def ui_update_data(self, obj: Any) -> dict[str, Any]:
        """Valid POST data of the edit form (including ``version``)."""
        raise NotImplementedError

    def api_update_data(self, obj: Any) -> dict[str, Any]:
        return {**self.ui_update_data(obj), "version": obj.version}

    def created(self) -> models.QuerySet[Any]:
        """The rows a successful create would have added (to prove nothing was saved)."""
        raise NotImplementedError

    def changed(self, obj: Any) -> bool:
        """Whether ``obj`` (reloaded) shows the update."""
        raise NotImplementedError
