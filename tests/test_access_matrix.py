"""The permission matrix for every model under the policy, in the UI and the API.

anonymous / no role / in scope (writer and reader) / out of scope × list, detail, create, edit,
delete. Scenarios come from each app's ``tests/access.py``; a model with ``access_rules`` and no
scenario fails ``test_every_governed_model_has_a_scenario``. Each scenario names the pages its
model has (``ui_actions``) and builds their URLs (``ui_url``); see ``AccessScenario``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

import phaen.budget.tests.access
import phaen.core.tests.access
import phaen.frameworks.tests.access
import phaen.monitoring.tests.access
import phaen.orgs.tests.access
import phaen.plans.tests.access  # noqa: F401 - importing registers the scenarios
from phaen.core.testing import SCENARIOS, AccessScenario

pytestmark = pytest.mark.django_db

WRITES = ("create", "edit", "delete")
# Rows owned by units, and reference data owned by none (tested at the end of this file).
UNIT_SCENARIOS = [scenario for scenario in SCENARIOS if not scenario.global_reference]
GLOBAL_SCENARIOS = [scenario for scenario in SCENARIOS if scenario.global_reference]


@pytest.fixture(params=UNIT_SCENARIOS, ids=lambda scenario: scenario.__name__)
def scenario(request: pytest.FixtureRequest, world: Any) -> AccessScenario:
    instance: AccessScenario = request.param(world)
    return instance


@pytest.fixture(params=GLOBAL_SCENARIOS, ids=lambda scenario: scenario.__name__)
def global_scenario(request: pytest.FixtureRequest, world: Any) -> AccessScenario:
    instance: AccessScenario = request.param(world)
    return instance


def test_every_governed_model_has_a_scenario() -> None:
    governed = {
        model
        for model in apps.get_models()
        if model.__module__.startswith("phaen.") and hasattr(model, "access_rules")
    }
    covered = {scenario.model for scenario in SCENARIOS}
    assert governed - covered == set(), "models under the policy without an access scenario"


# Helpers ------------------------------------------------------------------------------------


def ui_url(scenario: AccessScenario, action: str, obj: Any = None) -> str:
    return scenario.ui_url(action, obj)


def api_url(scenario: AccessScenario, obj: Any = None) -> str:
    assert scenario.api_path is not None
    return scenario.api_path if obj is None else f"{scenario.api_path}{obj.pk}/"


def ui_client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def exists(obj: Any) -> bool:
    return type(obj)._default_manager.filter(pk=obj.pk).exists()


def api_ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def ui_writes(scenario: AccessScenario) -> list[str]:
    return [action for action in WRITES if action in scenario.ui_actions]


def assert_untouched(scenario: AccessScenario, obj: Any, created_before: int | None) -> None:
    assert exists(obj)
    if "edit" in scenario.ui_actions or "edit" in scenario.api_actions:
        assert not scenario.changed(obj)
    if created_before is not None:
        assert scenario.created().count() == created_before


def created_count(scenario: AccessScenario) -> int | None:
    writes = "create" in scenario.ui_actions or "create" in scenario.api_actions
    return scenario.created().count() if writes else None


# Anonymous ----------------------------------------------------------------------------------


def test_ui_anonymous_is_sent_to_login(scenario: AccessScenario) -> None:
    if scenario.ui_prefix is None:
        pytest.skip(scenario.no_ui_reason)
    obj = scenario.make()
    before = created_count(scenario)
    client = ui_client()
    for action in scenario.ui_actions:
        url = ui_url(scenario, action, obj)
        response = client.get(url)
        if scenario.public and action in ("list", "detail"):
            # Anonymous visitors read public rows only; the row made here is not public.
            if action == "list":
                assert response.status_code == 200
                assert obj.get_absolute_url() not in response.content.decode()
            else:
                assert response.status_code == 404
            continue
        assert response.status_code == 302, (action, response.status_code)
        assert response["Location"].startswith(reverse("login")), action
    for action in ui_writes(scenario):
        data = scenario.ui_create_data() if action == "create" else scenario.ui_update_data(obj)
        response = client.post(ui_url(scenario, action, obj), data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert_untouched(scenario, obj, before)


def test_api_anonymous_gets_401(scenario: AccessScenario) -> None:
    if scenario.api_path is None:
        pytest.skip("no API")
    obj = scenario.make()
    before = created_count(scenario)
    client = api_client()
    if scenario.public:
        # Anonymous visitors read published rows only; the row made here is not published.
        response = client.get(api_url(scenario))
        assert response.status_code == 200
        assert obj.pk not in api_ids(response)
        assert client.get(api_url(scenario, obj)).status_code == 404
    else:
        assert client.get(api_url(scenario)).status_code == 401
        assert client.get(api_url(scenario, obj)).status_code == 401
    assert client.post(api_url(scenario), {}, format="json").status_code == 401
    assert client.patch(api_url(scenario, obj), {}, format="json").status_code == 401
    assert client.delete(api_url(scenario, obj)).status_code == 401
    body = client.post(api_url(scenario), {}, format="json").json()
    assert body["error"]["code"] == "not_authenticated"
    assert_untouched(scenario, obj, before)


# Logged in without any role -----------------------------------------------------------------


def test_ui_no_role_sees_nothing(scenario: AccessScenario, world: Any) -> None:
    if scenario.ui_prefix is None:
        pytest.skip(scenario.no_ui_reason)
    obj = scenario.make()
    before = created_count(scenario)
    client = ui_client(world.nobody())
    if "list" in scenario.ui_actions:
        response = client.get(ui_url(scenario, "list"))
        assert response.status_code == 200
        assert obj.get_absolute_url() not in response.content.decode()
    if "detail" in scenario.ui_actions:
        assert client.get(ui_url(scenario, "detail", obj)).status_code == 404
    if "create" in scenario.ui_actions:
        status = scenario.ui_create_status_no_role
        assert client.get(ui_url(scenario, "create")).status_code == status
        response = client.post(ui_url(scenario, "create"), scenario.ui_create_data())
        assert response.status_code == status
    for action in ("edit", "delete"):
        if action in scenario.ui_actions:
            assert client.get(ui_url(scenario, action, obj)).status_code == 404
            data = scenario.ui_update_data(obj) if action == "edit" else {}
            assert client.post(ui_url(scenario, action, obj), data).status_code == 404
    assert_untouched(scenario, obj, before)


def test_api_no_role_sees_nothing(scenario: AccessScenario, world: Any) -> None:
    if scenario.api_path is None:
        pytest.skip("no API")
    obj = scenario.make()
    before = created_count(scenario)
    client = api_client(world.nobody())
    response = client.get(api_url(scenario))
    assert response.status_code == 200
    assert obj.pk not in api_ids(response)
    assert client.get(api_url(scenario, obj)).status_code == 404
    if "create" in scenario.api_actions:
        response = client.post(api_url(scenario), scenario.api_create_data(), format="json")
        assert response.status_code == 403
    else:
        assert client.post(api_url(scenario), {}, format="json").status_code == 405
    if "edit" in scenario.api_actions:
        data = scenario.api_update_data(obj)
        assert client.patch(api_url(scenario, obj), data, format="json").status_code == 404
    if "delete" in scenario.api_actions:
        assert client.delete(api_url(scenario, obj)).status_code == 404
    assert_untouched(scenario, obj, before)


# In scope -----------------------------------------------------------------------------------


def test_ui_in_scope_writer_can_do_everything(scenario: AccessScenario, world: Any) -> None:
    if scenario.ui_prefix is None:
        pytest.skip(scenario.no_ui_reason)
    obj = scenario.make()
    client = ui_client(world.user(scenario.writer_role, world.province_a))
    if "list" in scenario.ui_actions:
        response = client.get(ui_url(scenario, "list"))
        assert response.status_code == 200
        assert obj.get_absolute_url() in response.content.decode()
    if "detail" in scenario.ui_actions:
        assert client.get(ui_url(scenario, "detail", obj)).status_code == 200
    if "create" in scenario.ui_actions:
        assert client.get(ui_url(scenario, "create")).status_code == 200
        response = client.post(ui_url(scenario, "create"), scenario.ui_create_data())
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert scenario.created().count() == 1
    if "edit" in scenario.ui_actions:
        assert client.get(ui_url(scenario, "edit", obj)).status_code == 200
        response = client.post(ui_url(scenario, "edit", obj), scenario.ui_update_data(obj))
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert scenario.changed(obj)
    if "delete" in scenario.ui_actions:
        assert client.get(ui_url(scenario, "delete", obj)).status_code == 200
        obj.refresh_from_db()
        response = client.post(ui_url(scenario, "delete", obj), {"version": obj.version})
        assert response.status_code == 302
        assert not exists(obj)


def test_api_in_scope_writer_can_do_everything(scenario: AccessScenario, world: Any) -> None:
    if scenario.api_path is None:
        pytest.skip("no API")
    obj = scenario.make()
    client = api_client(world.user(scenario.writer_role, world.province_a))
    response = client.get(api_url(scenario))
    assert response.status_code == 200
    assert obj.pk in api_ids(response)
    assert client.get(api_url(scenario, obj)).status_code == 200
    if "create" in scenario.api_actions:
        response = client.post(api_url(scenario), scenario.api_create_data(), format="json")
        assert response.status_code == 201, response.json()
        assert scenario.created().count() == 1
    if "edit" in scenario.api_actions:
        response = client.patch(
            api_url(scenario, obj), scenario.api_update_data(obj), format="json"
        )
        assert response.status_code == 200, response.json()
        assert scenario.changed(obj)
    if "delete" in scenario.api_actions:
        assert client.delete(api_url(scenario, obj)).status_code == 204
        assert not exists(obj)


def test_in_scope_reader_can_only_read(scenario: AccessScenario, world: Any) -> None:
    if scenario.reader_role is None:
        pytest.skip("no read-only role for this model")
    obj = scenario.make()
    before = created_count(scenario)
    reader = world.user(scenario.reader_role, world.province_a)
    if scenario.ui_prefix is not None:
        client = ui_client(reader)
        if "list" in scenario.ui_actions:
            response = client.get(ui_url(scenario, "list"))
            assert response.status_code == 200
            assert obj.get_absolute_url() in response.content.decode()
        if "detail" in scenario.ui_actions:
            assert client.get(ui_url(scenario, "detail", obj)).status_code == 200
        if "create" in scenario.ui_actions:
            assert client.get(ui_url(scenario, "create")).status_code == 403
            assert (
                client.post(ui_url(scenario, "create"), scenario.ui_create_data()).status_code
                == 403
            )
        if "edit" in scenario.ui_actions:
            assert client.get(ui_url(scenario, "edit", obj)).status_code == 403
            response = client.post(ui_url(scenario, "edit", obj), scenario.ui_update_data(obj))
            assert response.status_code == 403
        if "delete" in scenario.ui_actions:
            assert client.get(ui_url(scenario, "delete", obj)).status_code == 403
            assert client.post(ui_url(scenario, "delete", obj), {}).status_code == 403
    if scenario.api_path is not None:
        api = api_client(reader)
        assert api.get(api_url(scenario, obj)).status_code == 200
        if "create" in scenario.api_actions:
            response = api.post(api_url(scenario), scenario.api_create_data(), format="json")
            assert response.status_code == 403
        if "edit" in scenario.api_actions:
            response = api.patch(
                api_url(scenario, obj), scenario.api_update_data(obj), format="json"
            )
            assert response.status_code == 403
        if "delete" in scenario.api_actions:
            assert api.delete(api_url(scenario, obj)).status_code == 403
    assert_untouched(scenario, obj, before)


# Out of scope -------------------------------------------------------------------------------


def test_ui_out_of_scope_writer_gets_404(scenario: AccessScenario, world: Any) -> None:
    if scenario.ui_prefix is None:
        pytest.skip(scenario.no_ui_reason)
    obj = scenario.make()
    before = created_count(scenario)
    client = ui_client(world.user(scenario.writer_role, world.province_b))
    if "list" in scenario.ui_actions:
        response = client.get(ui_url(scenario, "list"))
        assert response.status_code == 200
        assert obj.get_absolute_url() not in response.content.decode()
    if "detail" in scenario.ui_actions:
        assert client.get(ui_url(scenario, "detail", obj)).status_code == 404
    if "create" in scenario.ui_actions:
        status = scenario.ui_create_status_out_of_scope
        if status == 400:
            # The form offers only the user's own units: a row in another province is refused.
            assert client.get(ui_url(scenario, "create")).status_code == 200
        else:
            # The page looks up where the row would go (its parent) among what the user sees.
            assert client.get(ui_url(scenario, "create")).status_code == status
        response = client.post(ui_url(scenario, "create"), scenario.ui_create_data())
        assert response.status_code == status
    for action in ("edit", "delete"):
        if action in scenario.ui_actions:
            assert client.get(ui_url(scenario, action, obj)).status_code == 404
            data = scenario.ui_update_data(obj) if action == "edit" else {}
            assert client.post(ui_url(scenario, action, obj), data).status_code == 404
    assert_untouched(scenario, obj, before)


def test_api_out_of_scope_writer_gets_404(scenario: AccessScenario, world: Any) -> None:
    if scenario.api_path is None:
        pytest.skip("no API")
    obj = scenario.make()
    before = created_count(scenario)
    client = api_client(world.user(scenario.writer_role, world.province_b))
    response = client.get(api_url(scenario))
    assert response.status_code == 200
    assert obj.pk not in api_ids(response)
    assert client.get(api_url(scenario, obj)).status_code == 404
    if "create" in scenario.api_actions:
        response = client.post(api_url(scenario), scenario.api_create_data(), format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"
    if "edit" in scenario.api_actions:
        data = scenario.api_update_data(obj)
        assert client.patch(api_url(scenario, obj), data, format="json").status_code == 404
    if "delete" in scenario.api_actions:
        assert client.delete(api_url(scenario, obj)).status_code == 404
    assert_untouched(scenario, obj, before)


# Global reference data ----------------------------------------------------------------------
# Rows owned by no unit (e.g. fiscal years): every logged-in user reads them, whatever their
# unit; only ``writer_role`` at a top-level unit writes. "Out of scope" here is the same role
# below the top: it reads, and gets 403 on writes.


def test_ui_global_reference_is_read_by_every_user_and_written_at_the_top(
    global_scenario: AccessScenario, world: Any
) -> None:
    scenario = global_scenario
    if scenario.ui_prefix is None:
        pytest.skip(scenario.no_ui_reason)
    obj = scenario.make()
    before = created_count(scenario)
    anonymous = ui_client()
    for action in scenario.ui_actions:
        response = anonymous.get(ui_url(scenario, action, obj))
        if scenario.public and action in ("list", "detail"):
            assert response.status_code == 200, action
        else:
            assert response.status_code == 302, action
            assert response["Location"].startswith(reverse("login")), action
    below_top = (
        world.nobody(),
        world.user(scenario.writer_role, world.province_b),
        *([world.user(scenario.reader_role, world.province_a)] if scenario.reader_role else []),
    )
    for user in below_top:
        client = ui_client(user)
        if "list" in scenario.ui_actions:
            response = client.get(ui_url(scenario, "list"))
            assert response.status_code == 200
            assert obj.get_absolute_url() in response.content.decode()
        if "detail" in scenario.ui_actions:
            assert client.get(ui_url(scenario, "detail", obj)).status_code == 200
        if "create" in scenario.ui_actions:
            response = client.post(ui_url(scenario, "create"), scenario.ui_create_data())
            assert response.status_code == 403
        if "edit" in scenario.ui_actions:
            response = client.post(ui_url(scenario, "edit", obj), scenario.ui_update_data(obj))
            assert response.status_code == 403
        if "delete" in scenario.ui_actions:
            assert client.post(ui_url(scenario, "delete", obj), {}).status_code == 403
    assert_untouched(scenario, obj, before)
    top = ui_client(world.user(scenario.writer_role, world.root))
    if "create" in scenario.ui_actions:
        response = top.post(ui_url(scenario, "create"), scenario.ui_create_data())
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert scenario.created().count() == 1
    if "edit" in scenario.ui_actions:
        response = top.post(ui_url(scenario, "edit", obj), scenario.ui_update_data(obj))
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert scenario.changed(obj)
    if "delete" in scenario.ui_actions:
        obj.refresh_from_db()
        response = top.post(ui_url(scenario, "delete", obj), {"version": obj.version})
        assert response.status_code == 302
        assert not exists(obj)


def test_api_global_reference_is_read_by_every_user_and_written_at_the_top(
    global_scenario: AccessScenario, world: Any
) -> None:
    scenario = global_scenario
    if scenario.api_path is None:
        pytest.skip("no API")
    obj = scenario.make()
    before = created_count(scenario)
    anonymous = api_client()
    if scenario.public:
        assert obj.pk in api_ids(anonymous.get(api_url(scenario)))
    else:
        assert anonymous.get(api_url(scenario)).status_code == 401
    assert anonymous.post(api_url(scenario), {}, format="json").status_code == 401
    assert anonymous.patch(api_url(scenario, obj), {}, format="json").status_code == 401
    below_top = (
        world.nobody(),
        world.user(scenario.writer_role, world.province_b),
        *([world.user(scenario.reader_role, world.province_a)] if scenario.reader_role else []),
    )
    for user in below_top:
        client = api_client(user)
        assert obj.pk in api_ids(client.get(api_url(scenario)))
        assert client.get(api_url(scenario, obj)).status_code == 200
        if "create" in scenario.api_actions:
            response = client.post(api_url(scenario), scenario.api_create_data(), format="json")
            assert response.status_code == 403
        if "edit" in scenario.api_actions:
            data = scenario.api_update_data(obj)
            assert client.patch(api_url(scenario, obj), data, format="json").status_code == 403
        if "delete" in scenario.api_actions:
            assert client.delete(api_url(scenario, obj)).status_code == 403
    assert_untouched(scenario, obj, before)
    top = api_client(world.user(scenario.writer_role, world.root))
    if "create" in scenario.api_actions:
        response = top.post(api_url(scenario), scenario.api_create_data(), format="json")
        assert response.status_code == 201, response.json()
        assert scenario.created().count() == 1
    if "edit" in scenario.api_actions:
        response = top.patch(api_url(scenario, obj), scenario.api_update_data(obj), format="json")
        assert response.status_code == 200, response.json()
        assert scenario.changed(obj)
    if "delete" in scenario.api_actions:
        assert top.delete(api_url(scenario, obj)).status_code == 204
        assert not exists(obj)
