r"""A student's backward pass against centred finite differences of the loss.

The checker compares a student's gradients with the reference's; this module
asks the independent question the lecture's algorithm must answer: does each
gradient the student's function returns match the slope of the loss itself,

    dL/dtheta_k  ~  (L(theta + h e_k) - L(theta - h e_k)) / (2 h),

measured by :func:`course_lib.gradcheck.numerical_gradient` on one random case?
The losses are written here from the forward passes alone, so a backward pass
that agrees with them is right whatever the reference says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..activations import sigmoid
from ..gradcheck import numerical_gradient, relative_error
from .checker import Result

__all__ = ["GRADIENT_EXERCISES", "finite_differences"]

#: a correct float64 backward pass agrees with centred differences to about 1e-9
TOLERANCE = 1e-6


@dataclass(frozen=True)
class _Gradients:
    r"""How to check one exercise: a random case, its loss, and what each part differentiates."""

    make_case: Callable[[np.random.Generator], dict]
    loss: Callable[..., float]  # loss(**case): the forward pass and the loss, nothing else
    parts: tuple[tuple[str, str], ...]  # (returned part, the argument it differentiates)
    arguments: tuple[str, ...]  # the function's arguments, in order


def _dense_case(rng):
    N, n_in, n_out = 4, 3, 2
    return {"dout": rng.normal(size=(N, n_out)), "X": rng.normal(size=(N, n_in)),
            "W": rng.normal(size=(n_in, n_out)), "b": rng.normal(size=n_out)}


def _dense_loss(dout, X, W, b):
    # L = sum_nj dout_nj net_nj: its gradient with respect to net is dout itself
    return float(np.sum(dout * (X @ W + b)))


def _mlp_case(rng):
    N, D, H = 6, 3, 4
    return {"X": rng.normal(size=(N, D)), "y": rng.integers(0, 2, N).astype(float),
            "W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
            "W2": rng.normal(size=(H, 1)), "b2": rng.normal(size=1)}


def _mlp_loss(X, y, W1, b1, W2, b2):
    # o = tanh(X W1 + b1), y_hat = sigma(o W2 + b2), the binary cross-entropy averaged
    y_hat = sigmoid(np.tanh(X @ W1 + b1) @ W2 + b2)[:, 0]
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


def _rnn_case(rng):
    N, D, H = 3, 2, 4
    case = {"dh_t": rng.normal(size=(N, H)), "x_t": rng.normal(size=(N, D)),
            "h_prev": rng.normal(size=(N, H)), "W": rng.normal(scale=0.5, size=(H + D, H)),
            "b": rng.normal(size=H)}
    case["h_t"] = np.tanh(np.concatenate([case["h_prev"], case["x_t"]], axis=1) @ case["W"]
                          + case["b"])
    return case


def _rnn_loss(dh_t, x_t, h_prev, h_t, W, b):
    # L = sum dh_t * h_t with h_t recomputed from the inputs: dL/dh_t is dh_t itself
    return float(np.sum(dh_t * np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W + b)))


GRADIENT_EXERCISES: dict[str, _Gradients] = {
    "dense_backward": _Gradients(_dense_case, _dense_loss,
                                 (("dX", "X"), ("dW", "W"), ("db", "b")),
                                 ("dout", "X", "W", "b")),
    "mlp_backward": _Gradients(_mlp_case, _mlp_loss,
                               (("dW1", "W1"), ("db1", "b1"), ("dW2", "W2"), ("db2", "b2")),
                               ("X", "y", "W1", "b1", "W2", "b2")),
    "rnn_step_backward": _Gradients(_rnn_case, _rnn_loss,
                                    (("dx", "x_t"), ("dh_prev", "h_prev"), ("dW", "W"),
                                     ("db", "b")),
                                    ("dh_t", "x_t", "h_prev", "h_t", "W", "b")),
}


def finite_differences(name: str, function: Callable, *, seed: int = 0) -> Result:
    r"""Compare each gradient ``function`` returns with centred differences of the loss.

    One random case from ``numpy.random.default_rng(seed)``; the verdict lists the
    relative error of every part (a correct float64 backward pass: about 1e-9).
    """
    if name not in GRADIENT_EXERCISES:
        raise ValueError(f"no finite-difference check for {name!r}; there is one for "
                         f"{', '.join(GRADIENT_EXERCISES)}")
    spec = GRADIENT_EXERCISES[name]
    case = spec.make_case(np.random.default_rng(seed))
    try:
        got = function(*(case[a].copy() for a in spec.arguments))
    except NotImplementedError:
        return Result(name, False, f"✎ {name}: not implemented yet, nothing to compare with "
                      "finite differences.")
    except Exception as err:  # a student's bug, in one line
        said = " ".join(str(err).split())[:120]
        return Result(name, False, f"✗ {name}: your function raised {type(err).__name__}: "
                      f"{said}")
    if not isinstance(got, tuple | list) or len(got) != len(spec.parts):
        return Result(name, False, f"✗ {name}: return the {len(spec.parts)} gradients "
                      f"({', '.join(p for p, _ in spec.parts)}) as a tuple")
    errors, wrong = [], []
    for (part, argument), gradient in zip(spec.parts, got, strict=True):
        numerical = numerical_gradient(lambda _: spec.loss(**case), case[argument])
        try:
            error = relative_error(np.asarray(gradient, dtype=float), numerical)
        except (TypeError, ValueError):
            errors.append(f"{part} has shape {np.shape(gradient)}, "
                          f"{argument} has {numerical.shape}")
            wrong.append(part)
            continue
        errors.append(f"{part} {error:.1e}")
        if not error < TOLERANCE:
            wrong.append(part)
    listed = ", ".join(errors)
    if wrong:
        return Result(name, False, f"✗ {name} against finite differences of the loss: "
                      f"{listed} (relative errors; {', '.join(wrong)} off, a right gradient "
                      f"is below {TOLERANCE:.0e})")
    return Result(name, True, f"✓ {name} against finite differences of the loss: {listed} "
                  f"(relative errors, all below {TOLERANCE:.0e})")
