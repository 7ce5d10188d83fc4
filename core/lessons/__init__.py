"""Lessons: a walk through the lecture notes, one demonstration each, defined by data files.

A lesson file ``resources/lessons/NN-slug.json`` holds everything a lesson needs, so a teacher
can add one without writing code::

    {"format": "backprop-lesson", "version": 1,
     "id": "learning-rate", "order": 4, "title": "Learning rate too high",
     "section": "Training challenges › Learning rate",
     "explanation": ["A paragraph in plain words.", "Another one."],
     "look_at": "What to look at in the plot.", "try_this": "Something to change and re-run.",
     "kind": "compare", "view": "training", "focus": "loss",
     "network": "xor"  (an example in resources/examples, by name)  or  {a network-file dict},
     "dataset": {"name": "multi_gauss", "samples": 200, "noise": 0.0, "train_fraction": 1.0,
                 "seed": 1},
     "training": {"epochs": 60, "batch_size": "full", "l2": 0.0, "seed": 0, "shuffle": true,
                  "learning_rate": 0.05},
     "runs": [{"label": "η = 0.05"}, {"label": "η = 0.2", "learning_rate": 0.2}],
     "params": {}}

``training`` and every entry of ``runs`` take the same settings: ``epochs``, ``batch_size`` (a
number or ``"full"``), ``l2``, ``seed`` (of the shuffle and of any gradient noise), ``shuffle``,
``grad_noise`` (σ of Gaussian noise added to every step's gradient, default 0: none; see
:class:`core.training.TrainConfig`), and the network changes
``learning_rate``, ``optimizer`` (a name, or an object as in a network file), ``activation`` (of
every hidden layer), ``init`` ({scheme, scale, seed}: fresh weights), ``hidden`` (a list of
hidden-layer sizes: a new architecture, initialised by ``init`` or the network's own init block)
and ``train_biases``. A run's settings apply on top of ``training``. Runs that change neither
``init`` nor ``hidden`` start from exactly the same weights. Without ``runs`` there is one run.

Kinds of demonstration (``kind``) and what :func:`run_lesson` computes for them:

- ``graph``: an expression (``params.expression``, ``params.values``, ``params.wrt``) evaluated
  and differentiated in both modes, with the operation counts of each.
- ``step``: one training step of the network on its own sample, as the stepper shows it.
- ``compare``: the runs trained side by side; loss curves and saturation of every layer.
- ``surface``: ``compare`` plus the loss over a 2-D slice through two weights
  (``params.weights``, keys like ``"w:1:0:1"`` as in the trace) and each run's path on it.
- ``gradients``: ``compare`` plus the gradient norm of every layer, before and during training.
- ``herd``: ``compare`` plus how alike the first hidden layer's units are, epoch by epoch.
- ``collapse``: a network of linear hidden units trained, and the one layer it equals.
- ``regions``: each run's decision boundary and the line w·x + b = 0 of each first-layer unit.
- ``recipe``: the Keras recipe's five steps filled in from the network, which is trained and
  evaluated, and exported as PyTorch and Keras code.

A GUI lists lessons with :func:`list_lessons`, opens one with :func:`load_lesson`, builds its
network, data and settings with :func:`lesson_network`, :func:`lesson_data` and
:func:`train_config` (calling them again resets the lesson), and gets every number its plot
needs from :func:`run_lesson`. Every error in a file is a :class:`LessonFileError` that starts
with the file name and the field, as for network files.
"""

from __future__ import annotations

from core.lessons.controls import (  # noqa: F401 (the package's public names)
    Control,
    apply_controls,
    run_label,
)
from core.lessons.demos import (  # noqa: F401 (the package's public names)
    LessonResult,
    RunResult,
    run_lesson,
)
from core.lessons.files import (  # noqa: F401 (the package's public names)
    DATASET_KEYS,
    EXTENT,
    FOCUSES,
    FORMAT,
    KINDS,
    MAX_WORDS,
    PARAM_KEYS,
    SETTING_KEYS,
    TOP_KEYS,
    TRAINING_KINDS,
    VERSION,
    VIEWS,
    Lesson,
    LessonFileError,
    LessonInfo,
    RunSpec,
    lessons_folder,
    list_lessons,
    load_lesson,
    loads_lesson,
)
from core.lessons.geometry import (  # noqa: F401 (the package's public names)
    collapse,
    cosines,
    decision_grid,
    enclosed_cell,
    largest_distance,
    line_segments,
    loss_surface,
    mean_cosine,
    saturation,
    unit_lines,
    unit_vectors,
    weight_slot,
)
from core.lessons.runs import (  # noqa: F401 (the package's public names)
    lesson_data,
    lesson_network,
    run_settings,
    train_config,
)
from core.lessons.schema import order_label  # noqa: F401
