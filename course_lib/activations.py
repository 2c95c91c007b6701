r"""Activation functions f(net) and their derivatives f'(net).

Lecture, "Activation function": a node aggregates its inputs into
net_j = sum_i w_ij o_i and sends out o_j = f(net_j); f "only sends out
information if the input is strong enough". Backpropagation needs the
derivative f'(net_j) (lecture eq. 4 for the sigmoid), so every f here comes
with its ``*_prime``.

All functions are element-wise: ``net`` may have any shape and the result has
the same shape. Where f has a kink (step and relu at 0) the derivative used at
the kink is stated in the docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "DIFFERENTIABLE",
    "elu",
    "elu_prime",
    "get_activation",
    "leaky_relu",
    "leaky_relu_prime",
    "linear",
    "linear_prime",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "step",
    "step_prime",
    "tanh",
    "tanh_prime",
]


def step(net):
    r"""Heaviside step, the threshold of McCulloch-Pitts and Rosenblatt.

    f(net) = 1 if net >= 0 else 0
    """
    net = np.asarray(net)
    return (net >= 0).astype(np.result_type(net.dtype, np.float32))


def step_prime(net):
    r"""Derivative of the step: 0 everywhere (undefined at 0; 0 is used there).

    f'(net) = 0. This is why a network of step units cannot be trained by
    gradient descent, and why the multilayer perceptron needs a differentiable f.
    """
    net = np.asarray(net)
    return np.zeros_like(net, dtype=np.result_type(net.dtype, np.float32))


def linear(net):
    r"""Identity, used on the output of a regression network.

    f(net) = net
    """
    return np.asarray(net) * 1.0


def linear_prime(net):
    r"""f'(net) = 1"""
    return np.ones_like(np.asarray(net), dtype=np.result_type(np.asarray(net).dtype, np.float32))


def sigmoid(net):
    r"""Logistic sigmoid, the lecture's sigma.

    f(net) = 1 / (1 + exp(-net)), computed without overflow for large |net|.
    """
    net = np.asarray(net) * 1.0
    z = np.exp(-np.abs(net))  # in (0, 1]: never overflows
    return np.where(net >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def sigmoid_prime(net):
    r"""Lecture eq. (4): sigma'(net) = sigma(net) (1 - sigma(net))"""
    s = sigmoid(net)
    return s * (1.0 - s)


def tanh(net):
    r"""Hyperbolic tangent.

    f(net) = (exp(net) - exp(-net)) / (exp(net) + exp(-net)) = 2 sigma(2 net) - 1
    """
    return np.tanh(np.asarray(net) * 1.0)


def tanh_prime(net):
    r"""f'(net) = 1 - tanh(net)^2"""
    t = np.tanh(np.asarray(net) * 1.0)
    return 1.0 - t * t


def relu(net):
    r"""Rectified linear unit.

    f(net) = max(0, net)
    """
    net = np.asarray(net) * 1.0
    return np.maximum(net, 0.0)


def relu_prime(net):
    r"""f'(net) = 1 if net > 0 else 0 (0 is used at the kink net = 0)"""
    net = np.asarray(net) * 1.0
    return (net > 0).astype(net.dtype)


def leaky_relu(net, alpha: float = 0.1):
    r"""Leaky ReLU: a small slope ``alpha`` for negative inputs.

    f(net) = net if net > 0 else alpha * net

    The default alpha = 0.1 is the one of the lecture's figure (Sze et al.);
    PyTorch's ``LeakyReLU`` defaults to 0.01.
    """
    net = np.asarray(net) * 1.0
    return np.where(net > 0, net, alpha * net)


def leaky_relu_prime(net, alpha: float = 0.1):
    r"""f'(net) = 1 if net > 0 else alpha (alpha is used at the kink net = 0)"""
    net = np.asarray(net) * 1.0
    return np.where(net > 0, 1.0, alpha).astype(net.dtype)


def elu(net, alpha: float = 1.0):
    r"""Exponential linear unit.

    f(net) = net if net > 0 else alpha * (exp(net) - 1)
    """
    net = np.asarray(net) * 1.0
    return np.where(net > 0, net, alpha * np.expm1(np.minimum(net, 0.0)))


def elu_prime(net, alpha: float = 1.0):
    r"""f'(net) = 1 if net > 0 else alpha * exp(net)"""
    net = np.asarray(net) * 1.0
    return np.where(net > 0, 1.0, alpha * np.exp(np.minimum(net, 0.0)))


class Activation(NamedTuple):
    r"""An activation function f and its derivative f_prime (unpacks as ``f, f_prime``)."""

    f: Callable
    f_prime: Callable


#: name -> Activation(f, f_prime), in the order the lecture's figure shows them; used by widgets.
ACTIVATIONS: dict[str, Activation] = {
    "step": Activation(step, step_prime),
    "linear": Activation(linear, linear_prime),
    "sigmoid": Activation(sigmoid, sigmoid_prime),
    "tanh": Activation(tanh, tanh_prime),
    "relu": Activation(relu, relu_prime),
    "leaky_relu": Activation(leaky_relu, leaky_relu_prime),
    "elu": Activation(elu, elu_prime),
}
#: the activations gradient descent can train: all but the step, whose f' is 0 everywhere
DIFFERENTIABLE = tuple(name for name in ACTIVATIONS if name != "step")


def get_activation(name: str) -> Activation:
    r"""Return ``Activation(f, f_prime)`` for an activation name such as ``"sigmoid"``.

    Raises ``ValueError`` naming the known activations when ``name`` is unknown.
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string; got {type(name).__name__}")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}") from None
