"""The example networks shipped in resources/examples."""

from __future__ import annotations

from importlib import resources


def example_names() -> list[str]:
    """The examples by name (the file name without .json), sorted."""
    folder = resources.files("resources") / "examples"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def example_path(name: str) -> str:
    """The path of example ``name``; ValueError lists the examples when there is none."""
    path = resources.files("resources") / "examples" / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no example {name!r} (examples: {', '.join(example_names())})")
    return str(path)


def is_example(path: str) -> bool:
    """Whether ``path`` is one of the shipped examples (which must never be saved over)."""
    import os

    folder = os.path.realpath(str(resources.files("resources") / "examples"))
    return os.path.dirname(os.path.realpath(path)) == folder
