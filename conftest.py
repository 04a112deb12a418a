"""Fixtures shared by every test: an org tree with users in and out of scope."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

from phaen.orgs.testing import World, build_world

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db: None) -> World:
    """root → region → province A (→ group A1, school A2) and province B (→ school B1)."""
    return build_world()


@pytest.fixture(autouse=True)
def _thai_between_tests() -> Iterator[None]:
    """Every test starts and ends in the default language (Thai), whatever a test activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
