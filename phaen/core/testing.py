"""The generic access-test harness: one scenario per model drives the whole permission matrix.

An app declares, in ``<app>/tests/access.py``, a subclass of ``AccessScenario`` for each of its
models under the policy. ``tests/test_access_matrix.py`` runs every scenario through anonymous /
no role / in scope / out of scope × list, detail, create, edit, delete, in the UI and the API, and
fails when a model with ``access_rules`` has no scenario.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.urls import reverse

from phaen.core.access import Role

SCENARIOS: list[type[AccessScenario]] = []

UI_ACTIONS = frozenset({"list", "detail", "create", "edit", "delete"})


class AccessScenario:
    """How to make, create and edit one model's rows for the access matrix.

    ``world`` is the test organisation world (phaen.orgs.testing.World); objects are made
    inside ``world.school_a2`` (so a role at province A is in scope, at province B out of scope).

    The UI part of the matrix opens the pages named by ``ui_actions`` only: a model without a
    list page leaves out "list", one shown on its parent's page leaves out "detail". The URLs
    come from ``ui_url(action, obj)``: by default the names ``<ui_prefix>_list``,
    ``<ui_prefix>`` (detail), ``_add``, ``_edit`` and ``_delete``; override it when a page needs
    more, e.g. an add page that takes its parent in the query string (``?version=<id>``).

    A create by a user who may not see where the row would go answers
    ``ui_create_status_no_role`` (no role at all) and ``ui_create_status_out_of_scope`` (the
    writer role in another province). The defaults fit add pages whose form picks the owning
    unit: no role is refused before the form (403), and an outsider gets the form limited to
    their own units, which refuses a unit elsewhere (400). Add pages that look their parent up
    through ``restrict`` answer 404 to both, for GET and POST alike.

    A model without pages sets ``ui_prefix = None`` and says why in ``no_ui_reason`` (the skip
    reason of the UI tests), e.g. rows edited inside another model's form.
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
    #: Why the model has no UI pages (``ui_prefix = None``): the reason the UI tests are skipped.
    no_ui_reason: ClassVar[str] = "no UI pages"
    #: What a create answers to a user who cannot see where the row would go (see above).
    ui_create_status_no_role: ClassVar[int] = 403
    ui_create_status_out_of_scope: ClassVar[int] = 400

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

    def ui_url(self, action: str, obj: Any = None) -> str:
        """The page of ``action`` ("list", "detail", "create", "edit", "delete") for ``obj``."""
        prefix = self.ui_prefix
        if prefix is None:
            raise ValueError(f"{type(self).__name__} has no UI pages: {self.no_ui_reason}")
        if action == "list":
            return reverse(f"{prefix}_list")
        if action == "create":
            return reverse(f"{prefix}_add")
        if action == "detail":
            return reverse(prefix, args=[obj.pk])
        return reverse(f"{prefix}_{action}", args=[obj.pk])

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
