"""Lesson files that are broken in any way: every problem is a LessonFileError naming the file
and the field, a listing skips the broken file with one message and keeps the rest, and the
schema keeps a lesson's computation small."""

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.lessons import (
    LessonFileError,
    lessons_folder,
    list_lessons,
    load_lesson,
    loads_lesson,
)
from core.lessons.files import FOLDER_VARIABLE
from core.lessons.limits import MAX_RUNS

SHIPPED = sorted(lessons_folder().glob("*.json"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["full", "sgd", "adam", "tanh", "xor", "mazur", "w:1:0:0", "", "\ud800"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=8,
)


def _paths(value, prefix=()):
    """Every place in a JSON document: (path of keys/indices)."""
    yield prefix
    if isinstance(value, dict):
        for key, v in value.items():
            yield from _paths(v, prefix + (key,))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _paths(v, prefix + (k,))


@st.composite
def mutated_lessons(draw):
    name = draw(st.sampled_from(sorted(TEXTS)))
    data = json.loads(TEXTS[name])
    for _ in range(draw(st.integers(1, 3))):
        places = list(_paths(data))
        where = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if not where:
            if action == "replace":
                data = draw(json_values)
            continue
        parent = data
        for step in where[:-1]:
            parent = parent[step]
        last = where[-1]
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return name, data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_lessons())
def test_a_mutated_lesson_file_loads_or_raises_a_lesson_file_error(case):
    name, data = case
    text = json.dumps(data, ensure_ascii=True)
    try:
        lesson = loads_lesson(text, source=name)
    except LessonFileError as exc:
        message = str(exc)
        assert message.startswith(f"{name}: ")
        assert message.encode("utf-8")  # printable: no lone surrogate in it
        return
    # A file that loads builds every run's network and settings.
    from core.lessons import lesson_network, train_config

    if lesson.network is not None:
        for k in range(len(lesson.runs)):
            lesson_network(lesson, k)
            train_config(lesson, k)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_a_lesson_file_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("lessons") / "01-x.json"
    path.write_bytes(raw)
    with pytest.raises(LessonFileError):
        load_lesson(path)


def test_a_string_optimizer_with_a_learning_rate_run_names_the_field():
    # The fuzzer's find: an inline network whose optimizer is a string, with a run that
    # changes the learning rate, was a TypeError.
    data = json.loads(TEXTS["04-learning-rate.json"])
    assert isinstance(data["network"], dict) and "learning_rate" in data["runs"][1]
    data["network"]["optimizer"] = "sgd"
    with pytest.raises(LessonFileError, match=r"^04-learning-rate.json: network: optimizer: "):
        loads_lesson(json.dumps(data), source="04-learning-rate.json")


def test_a_lone_surrogate_is_named_by_its_field():
    data = json.loads(TEXTS["04-learning-rate.json"])
    data["title"] = "ab\ud800"
    with pytest.raises(LessonFileError, match=r"^x.json: title: contains the lone surrogate "
                                               r"\\ud800"):
        loads_lesson(json.dumps(data), source="x.json")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"training": {"epochs": 100_000}}, "training.epochs"),
        ({"runs": [{"label": f"r{k}"} for k in range(MAX_RUNS + 1)]}, "runs"),
        ({"dataset": {"name": "multi_gauss", "samples": 100_000}}, "training.epochs"),
    ],
)
def test_a_lesson_too_big_to_compute_quickly_is_refused(change, field):
    data = json.loads(TEXTS["04-learning-rate.json"])
    data.update(change)
    with pytest.raises(LessonFileError, match=rf"^big.json: {field}: "):
        loads_lesson(json.dumps(data), source="big.json")


def test_a_huge_loss_surface_is_refused():
    data = json.loads(TEXTS["05-optimizers.json"])
    data["params"]["resolution"] = 201
    data["dataset"]["samples"] = 2000
    with pytest.raises(LessonFileError, match=r"^s.json: params.resolution: "):
        loads_lesson(json.dumps(data), source="s.json")


def _broken_folder(tmp_path):
    """The shipped lessons plus a broken file, a file with a newline in its name and a dangling
    link."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    data = json.loads(TEXTS["04-learning-rate.json"])
    data.update(id="broken", order=90, training={"epochs": "many"})
    (folder / "90-broken.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "91-bad\nname.json").write_text("{", encoding="utf-8")
    os.symlink(folder / "nowhere.json", folder / "92-dangling.json")
    return folder


def test_a_broken_folder_lists_the_good_lessons_and_names_each_broken_file(tmp_path):
    folder = _broken_folder(tmp_path)
    errors = []
    infos = list_lessons(folder, errors=errors)
    assert [info.id for info in infos] == [info.id for info in list_lessons()]
    assert len(errors) == 3
    assert errors[0].startswith("90-broken.json: training.epochs: ")
    assert errors[1].startswith("91-bad\\nname.json: invalid JSON")
    assert errors[2] == "92-dangling.json: a link to a file that does not exist"
    with pytest.raises(LessonFileError):
        list_lessons(folder)


def test_a_lesson_by_number_and_the_folder_variable(tmp_path, monkeypatch):
    folder = _broken_folder(tmp_path)
    monkeypatch.setenv(FOLDER_VARIABLE, str(folder))
    assert lessons_folder() == folder
    assert load_lesson("5").id == load_lesson("optimizers").id
    monkeypatch.delenv(FOLDER_VARIABLE)
    assert load_lesson("13.5").id == "inside-training"  # numbers with a decimal too
    assert load_lesson("2.5").id == "units-to-matrices"
    monkeypatch.setenv(FOLDER_VARIABLE, str(folder))
    with pytest.raises(ValueError, match="no lesson '99'"):
        load_lesson("99")


def _main(*args, env=None):
    import subprocess

    root = Path(__file__).resolve().parents[3]
    return subprocess.run([sys.executable, str(root / "main.py"), *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=root, timeout=120)


def test_list_lessons_with_a_broken_folder(tmp_path):
    folder = _broken_folder(tmp_path)
    done = _main("--list-lessons", env={FOLDER_VARIABLE: str(folder)})
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == len(SHIPPED)
    lines = done.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("warning: lesson skipped: ") for line in lines)
