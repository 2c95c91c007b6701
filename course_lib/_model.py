r"""What every trainable model of the course shares: named parameters, copied and restored.

:class:`Model` is the base of ``mlp.MLP``, ``cnn.CNN`` and
``sequence.SequenceClassifier``. With their own ``check_X``, ``check_y``,
``loss_and_gradients`` and ``evaluate`` it is everything ``training.Trainer``
needs to train any of them with one loop.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Model"]


class Model:
    r"""Parameters by name (``params``: name -> array), and what the training loop asks of them.

    A subclass sets ``self.params`` in its ``__init__`` and defines
    ``check_X(X)`` and ``check_y(y, n)`` (or ``check_data`` itself),
    ``loss_and_gradients(X, y, training=...)`` -> (L, grads) and
    ``evaluate(X, y)`` -> (L, accuracy), both from one forward pass.
    """

    params: dict[str, np.ndarray]

    @property
    def n_weights(self) -> int:
        r"""Number of trainable numbers (weights and biases)."""
        return sum(v.size for v in self.params.values())

    def loss(self, X, y) -> float:
        r"""The data loss L on (X, y) (no dropout, no penalty)."""
        return self.evaluate(X, y)[0]

    def accuracy(self, X, y) -> float | None:
        r"""Fraction of the samples predicted right (None for regression)."""
        return self.evaluate(X, y)[1]

    def check_data(self, X, y):
        r"""(X, y) checked against the model, as the training loop needs them."""
        X = self.check_X(X)
        return X, self.check_y(y, X.shape[0])

    def copy_params(self) -> dict[str, np.ndarray]:
        r"""A copy of the parameters (e.g. to restore the best epoch's weights)."""
        return {k: v.copy() for k, v in self.params.items()}

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        r"""Overwrite the parameters in place with ``params`` (same keys and shapes)."""
        missing = sorted(set(self.params) - set(params))
        if missing:
            raise ValueError(f"params lacks {', '.join(missing)}: give every parameter of the "
                             f"model ({', '.join(self.params)})")
        for k, v in self.params.items():
            if np.shape(params[k]) != v.shape:
                raise ValueError(f"{k} has shape {v.shape}; got {np.shape(params[k])}")
            v[...] = params[k]
