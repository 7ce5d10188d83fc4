"""Gradient noise from a file's (or a lesson run's) training block reaches the Training tab's
trainer, is written back when saved, and a negative σ is refused with the field named."""

import json
from pathlib import Path

import pytest

from core.lessons import load_lesson
from core.lessons.runs import lesson_network, train_config
from core.netfile import NetworkFileError, loads_network
from gui.training.settings import settings_from_loaded, training_block


def test_a_lesson_runs_noise_reaches_the_training_settings_and_back():
    lesson = load_lesson("local-minima")
    noisy = [r for r in range(len(lesson.runs)) if train_config(lesson, r).grad_noise > 0]
    assert noisy, "lesson 6 has a run with added gradient noise"
    run = noisy[0]
    settings = settings_from_loaded(lesson_network(lesson, run))
    assert settings.grad_noise == train_config(lesson, run).grad_noise
    assert training_block(settings)["grad_noise"] == settings.grad_noise
    quiet = settings_from_loaded(lesson_network(lesson, 0))
    assert quiet.grad_noise == 0.0 and "grad_noise" not in training_block(quiet)


def test_a_negative_noise_in_a_file_is_refused_by_name():
    text = json.loads(Path("resources/examples/circle.json").read_text())
    text["training"] = {"epochs": 10, "batch_size": 10, "l2": 0.0, "grad_noise": -0.1}
    with pytest.raises(NetworkFileError, match="grad_noise"):
        loads_network(json.dumps(text))


def test_the_dock_sets_the_noise_of_the_run_and_refuses_a_bad_one(make_window):
    window = make_window("circle")
    dock, training = window.training_dock, window.training
    training.train_sync(2)
    assert training.trainer.config.grad_noise == 0.0
    for text in ("abc", "-0.1", "11", "nan"):
        dock.grad_noise.lineEdit().setText(text)
        dock.grad_noise.lineEdit().editingFinished.emit()
        assert "gradient noise" in dock.message.text() and training.settings.grad_noise == 0.0
        assert dock.grad_noise.currentText() == "0"
        dock.show_message("")
    dock.grad_noise.lineEdit().setText("0.1")
    dock.grad_noise.lineEdit().editingFinished.emit()
    # The run goes on (epoch kept) with noise in its gradient, and Undo takes it back.
    assert training.settings.grad_noise == 0.1 and training.trainer.config.grad_noise == 0.1
    assert training.trainer.epoch == 2
    training.undo_stack.undo()
    assert training.settings.grad_noise == 0.0 and training.trainer.config.grad_noise == 0.0
    assert dock.grad_noise.currentText() == "0"
