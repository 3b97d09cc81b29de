"""One error tree: every error class parcours defines lives in parcours.errors and derives from its root."""

from __future__ import annotations

import inspect

import pytest

import parcours.analytics
import parcours.errors
import parcours.lifecycle
import parcours.orchestrate
import parcours.personas
import parcours.render
import parcours.voc
from parcours.errors import ParcoursError


def test_every_error_class_derives_from_the_root() -> None:
    classes = [
        obj
        for name, obj in vars(parcours.errors).items()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and not name.startswith("_")
    ]
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, ParcoursError), cls
        assert cls.__name__ in parcours.errors.__all__, cls


@pytest.mark.parametrize(
    ("package", "name"),
    [
        (parcours.analytics, "AnalyticsError"),
        (parcours.voc, "VocError"),
        (parcours.lifecycle, "LifecycleError"),
        (parcours.personas, "PersonaError"),
        (parcours.orchestrate, "OrchestrateError"),
        (parcours.render, "RenderError"),
    ],
)
def test_packages_re_export_the_one_class(package: object, name: str) -> None:
    assert getattr(package, name) is getattr(parcours.errors, name)
    assert getattr(package, name).__module__ == "parcours.errors"


def test_the_docstring_draws_every_class() -> None:
    doc = parcours.errors.__doc__ or ""
    for name in parcours.errors.__all__:
        if name in {"Problem"}:
            continue
        assert name in doc, name
