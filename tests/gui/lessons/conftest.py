"""Shared by the Lessons tab's tests: each lesson is computed once for the whole session (its
numbers never change), so that opening it again in another window costs nothing."""

import pytest

import gui.lessons.controller as lesson_controller
from core.lessons import run_lesson

_RESULTS = {}


@pytest.fixture(autouse=True)
def cached_results(monkeypatch):
    def cached(lesson):
        key = repr(lesson)  # a lesson with a control moved is another lesson
        if key not in _RESULTS:
            _RESULTS[key] = run_lesson(lesson)
        return _RESULTS[key]

    monkeypatch.setattr(lesson_controller, "run_lesson", cached)
