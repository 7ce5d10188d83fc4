"""Networks shared by the core tests, built without reading any file."""

import numpy as np

from core.activations import get_activation
from core.losses import get_loss
from core.network import Layer, Network, OptimizerConfig


def mazur() -> Network:
    """Matt Mazur's worked example: 2-2-2 sigmoid, ½Σ(y−u)², η = 0.5, biases not trained."""
    s = get_activation("sigmoid")
    return Network(
        inputs=2,
        layers=[
            Layer(s, np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([0.35, 0.35])),
            Layer(s, np.array([[0.40, 0.45], [0.50, 0.55]]), np.array([0.60, 0.60])),
        ],
        loss=get_loss("half_squared"),
        name="Mazur 2-2-2",
        train_biases=False,
        optimizer=OptimizerConfig("sgd", 0.5),
        sample_x=np.array([0.05, 0.10]),
        sample_y=np.array([0.01, 0.99]),
    )
