"""The public surface of parcours.model is explicit: `__all__` lists exactly the public names."""

from __future__ import annotations

import parcours.model


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(parcours.model) if not name.startswith("_")}
    public -= {"annotations"}  # `from __future__ import annotations`
    assert set(parcours.model.__all__) == public


def test_exported_names_are_documented() -> None:
    for name in parcours.model.__all__:
        member = getattr(parcours.model, name)
        if callable(member) and not name.isupper():
            assert member.__doc__, f"{name} has no docstring"
