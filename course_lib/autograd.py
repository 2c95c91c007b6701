r"""A scalar autograd: every number remembers how it was made, and backpropagation runs back.

Lecture: "Chain rule", "Let's find the update rules", "Backpropagation algorithm".

A :class:`Value` holds one number, ``data``, and after :meth:`Value.backward` the
derivative of the final result L (the loss) with respect to it, ``grad`` = dL/d(value).
Every operation on Values makes a new Value that remembers its operands (``_parents``)
and the operation (``_op``). Together they form the *computation graph* of L: the
lecture's "a neural network can be viewed as a big composite function", drawn out.

The chain rule, lecture eq. (1):

    d f(g(h(x)))/dx = d f(g(h(x)))/d g(h(x))  *  d g(h(x))/d h(x)  *  d h(x)/dx      (1)

Each operation knows only its own *local* derivative: for out = a * b,
d(out)/da = b and d(out)/db = a. One link of eq. (1) is

    dL/da = dL/d(out) * d(out)/da

and a value that feeds several operations (o_j feeds every net_k of the next layer,
lecture eq. 6) collects one such term from each of them:

    dL/do_j = sum_k dL/dnet_k * dnet_k/do_j

So every operation's ``_backward`` does ``a.grad += out.grad * d(out)/da``, with
``+=`` for the sum. In the lecture's names: the grad of net_j is delta_j, and the
grad of the weight w_ij that feeds it is delta_j * o_i (eq. 7).

Why backpropagation visits each node once, in reverse topological order ("Problem
with the plan"): finding dL/dw_ij for each weight on its own, by following every
chain from w_ij to L, repeats the end of the chain that all weights share (the
output's delta is part of every weight's chain), so the cost grows with
(number of weights) x (length of the chains). Instead :meth:`Value.backward` orders
the graph so that every value comes after its operands (topological order) and
walks it backwards, from L to the inputs. When a value's turn comes, every operation
that uses it has already added its term, so its ``grad`` is complete; it passes it
on to its own operands and is never visited again. Each local derivative is used
once, and one backward pass costs about as much as the forward pass, whatever the
number of weights.

Example::

    a, b = Value(2.0, "a"), Value(-3.0, "b")
    L = a * b + a          # dL/da = b + 1 = -2 (a is used twice), dL/db = a = 2
    L.backward()
    a.grad, b.grad         # (-2.0, 2.0)

Pure Python (the standard library's ``math``): one number at a time, for teaching.
:mod:`course_lib.mlp` does the same with numpy, one layer at a time.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Value", "graph", "topological_order"]


def _number(x, what: str) -> float:
    r"""``x`` as a finite float, or a TypeError/ValueError saying what was wrong."""
    if isinstance(x, Value):
        raise TypeError(f"{what} must be a plain number (int or float), not a Value; "
                        f"use the Value {x!r} itself")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a plain number (int or float); "
                        f"got {type(x).__name__} {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be a finite number; got {x}")
    return x


def _fmt(x: float) -> str:
    return f"{x:.4g}"


class Value:
    r"""One number of a computation, and the derivative of the loss with respect to it.

    Parameters
    ----------
    data : int or float (also numpy scalars), finite
    label : str, a name for drawings and ``repr`` (e.g. "w_x1h1", "o_h1")

    Attributes
    ----------
    data : float, the value computed in the forward pass
    grad : float, dL/d(data) after ``L.backward()``; 0.0 before
    label : str
    _parents : tuple of Values, the operands of the operation that made this value
        (empty for an input, a weight or a constant)
    _op : str, that operation: "+", "-", "*", "/", "**2", "neg", "exp", "log", "tanh",
        "sigmoid", "relu" ("" for a leaf)
    """

    def __init__(self, data, label: str = "", *, _parents: tuple = (), _op: str = ""):
        if not isinstance(label, str):
            raise TypeError(f"label must be a str (a name for drawings); "
                            f"got {type(label).__name__} {label!r}")
        self.data = _number(data, "a Value's data")
        self.grad = 0.0
        self.label = label
        self._parents = tuple(_parents)
        self._op = _op
        self._backward = lambda: None  # a leaf has no operands to pass its gradient to

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={_fmt(self.data)}, grad={_fmt(self.grad)}{label})"

    # ---- building the graph -------------------------------------------------------

    @staticmethod
    def _operand(other, op: str) -> Value:
        r"""``other`` as a Value: a plain number becomes a constant leaf of the graph."""
        if isinstance(other, Value):
            return other
        if isinstance(other, bool) or not isinstance(other, numbers.Real):
            raise TypeError(f"'{op}' combines a Value with a Value or a plain number "
                            f"(int, float); got {type(other).__name__} {other!r}")
        return Value(other)

    @staticmethod
    def _result(data: float, parents: tuple, op: str) -> Value:
        r"""The Value made by ``op`` from ``parents``; NaN and inf never enter the graph."""
        if not math.isfinite(data):
            operands = ", ".join(repr(p) for p in parents)
            raise ValueError(f"'{op}' of {operands} gives {data}, not a finite number: "
                             "the numbers are too large (or divided by zero)")
        return Value(data, _parents=parents, _op=op)

    # ---- the operations: forward value and local derivative side by side -----------
    # In every _backward, out.grad is dL/d(out), and each operand receives
    #     operand.grad += out.grad * d(out)/d(operand)          (chain rule, eq. 1)

    def __add__(self, other) -> Value:
        r"""out = self + other;  d(out)/d(self) = 1,  d(out)/d(other) = 1"""
        other = Value._operand(other, "+")
        out = self._result(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad * 1.0   # d(out)/d(self) = 1
            other.grad += out.grad * 1.0  # d(out)/d(other) = 1
        out._backward = _backward
        return out

    def __sub__(self, other) -> Value:
        r"""out = self - other;  d(out)/d(self) = 1,  d(out)/d(other) = -1"""
        other = Value._operand(other, "-")
        out = self._result(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad * 1.0    # d(out)/d(self) = 1
            other.grad += out.grad * -1.0  # d(out)/d(other) = -1
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        r"""out = self * other;  d(out)/d(self) = other,  d(out)/d(other) = self"""
        other = Value._operand(other, "*")
        out = self._result(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += out.grad * other.data  # d(out)/d(self) = other
            other.grad += out.grad * self.data  # d(out)/d(other) = self
        out._backward = _backward
        return out

    def __truediv__(self, other) -> Value:
        r"""out = self / other;  d(out)/d(self) = 1 / other,  d(out)/d(other) = -self / other^2"""
        other = Value._operand(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError(f"division by zero: the denominator {other!r} is 0")
        out = self._result(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad * (1.0 / other.data)                # d(out)/d(self) = 1/other
            other.grad += out.grad * (-self.data / other.data ** 2)   # d(out)/d(other)
        out._backward = _backward
        return out

    def __radd__(self, other) -> Value:  # number + Value
        return Value._operand(other, "+") + self

    def __rsub__(self, other) -> Value:  # number - Value
        return Value._operand(other, "-") - self

    def __rmul__(self, other) -> Value:  # number * Value
        return Value._operand(other, "*") * self

    def __rtruediv__(self, other) -> Value:  # number / Value
        return Value._operand(other, "/") / self

    def __neg__(self) -> Value:
        r"""out = -self;  d(out)/d(self) = -1"""
        out = self._result(-self.data, (self,), "neg")

        def _backward():
            self.grad += out.grad * -1.0  # d(out)/d(self) = -1
        out._backward = _backward
        return out

    def __pow__(self, k) -> Value:
        r"""out = self ** k for a plain number k;  d(out)/d(self) = k self^(k-1)"""
        if isinstance(k, Value):
            raise TypeError("the exponent must be a plain number, not a Value: write a ** b "
                            "as (b * a.log()).exp() (for a > 0), which exp and log "
                            "differentiate")
        k = _number(k, "the exponent k of self ** k")
        x = self.data
        if x < 0 and not k.is_integer():
            raise ValueError(f"{x} ** {k:g} is not a real number: a negative base needs an "
                             "integer exponent")
        if x == 0 and k < 0:
            raise ZeroDivisionError(f"0 ** {k:g} divides by zero (k < 0 needs self != 0)")
        try:
            data = x ** k
        except OverflowError:
            data = math.inf
        out = self._result(data, (self,), f"**{k:g}")

        def _backward():
            if x == 0 and k < 1 and k != 0:
                raise ValueError(f"d(x**k)/dx = k x**(k-1) is infinite at x = 0 for k = {k:g}")
            local = 0.0 if k == 0 else k * x ** (k - 1)
            self.grad += out.grad * local  # d(out)/d(self) = k self^(k-1)
        out._backward = _backward
        return out

    def __rpow__(self, base):  # number ** Value
        raise TypeError("the exponent must be a plain number, not a Value: write c ** b as "
                        "(b * math.log(c)).exp() (for c > 0), which exp differentiates")

    def exp(self) -> Value:
        r"""out = e^self;  d(out)/d(self) = e^self = out"""
        try:
            data = math.exp(self.data)
        except OverflowError:
            data = math.inf
        out = self._result(data, (self,), "exp")

        def _backward():
            self.grad += out.grad * out.data  # d(out)/d(self) = exp(self) = out
        out._backward = _backward
        return out

    def log(self) -> Value:
        r"""out = ln(self) for self > 0;  d(out)/d(self) = 1 / self"""
        if self.data <= 0:
            raise ValueError(f"log needs a positive number; got {self.data:g} "
                             f"({self!r}): the logarithm of a number <= 0 is not defined")
        out = self._result(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad * (1.0 / self.data)  # d(out)/d(self) = 1/self
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        r"""out = tanh(self);  d(out)/d(self) = 1 - tanh(self)^2 = 1 - out^2"""
        out = self._result(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += out.grad * (1.0 - out.data ** 2)  # d(out)/d(self) = 1 - out^2
        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        r"""out = sigma(self) = 1 / (1 + e^-self);  d(out)/d(self) = out (1 - out)  (eq. 4)"""
        x = self.data
        if x >= 0:
            data = 1.0 / (1.0 + math.exp(-x))
        else:  # e^-x would overflow for large -x: the same number written with e^x
            data = math.exp(x) / (1.0 + math.exp(x))
        out = self._result(data, (self,), "sigmoid")

        def _backward():
            self.grad += out.grad * out.data * (1.0 - out.data)  # o_j (1 - o_j), eq. (4)
        out._backward = _backward
        return out

    def relu(self) -> Value:
        r"""out = max(0, self);  d(out)/d(self) = 1 if self > 0 else 0 (0 at the kink)"""
        out = self._result(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += out.grad * (1.0 if self.data > 0 else 0.0)  # d(out)/d(self)
        out._backward = _backward
        return out

    # ---- backpropagation ----------------------------------------------------------

    def backward(self) -> None:
        r"""Backpropagation from this value, the loss L: fill ``grad`` = dL/d(v) for every v.

        1. Put the graph in topological order (every value after its operands).
        2. Zero every ``grad`` in the graph, so that a second call gives the same
           gradients instead of adding them up twice (to sum gradients over samples,
           build the sum of their losses and call ``backward`` once on it).
        3. Seed dL/dL = 1.
        4. Walk the order backwards: each value, its ``grad`` complete, adds
           ``grad * local derivative`` to each of its operands (chain rule, eq. 1).
        """
        order = topological_order(self)
        for value in order:
            value.grad = 0.0
        self.grad = 1.0                 # dL/dL = 1
        for value in reversed(order):   # every user of a value comes before it
            value._backward()


def topological_order(root: Value) -> list[Value]:
    r"""Every Value that ``root`` depends on, each after its operands; ``root`` last.

    Depth-first search with an explicit stack (not recursion, so a graph thousands
    of operations deep does not hit Python's recursion limit). A value reached
    twice is listed once.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value (the result of a computation); "
                        f"got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        value, operands_done = stack.pop()
        if operands_done:            # all its operands are listed: list it
            order.append(value)
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        stack.append((value, True))  # come back to it after its operands
        for parent in reversed(value._parents):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


def graph(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    r"""The computation graph of ``root``: its values and its edges (operand, result).

    Returns
    -------
    nodes : list of Values in topological order (:func:`topological_order`), root last
    edges : list of (operand, result) pairs, in the order of ``nodes`` and of each
        result's operands; an operand used twice by one operation (a * a) gives one edge,
        although backward applies its local derivative twice there (2a): counting
        edges counts the multiplications of backpropagation only without such squares
    """
    nodes = topological_order(root)
    edges: list[tuple[Value, Value]] = []
    seen: set[tuple[int, int]] = set()
    for value in nodes:
        for parent in value._parents:
            if (id(parent), id(value)) not in seen:
                seen.add((id(parent), id(value)))
                edges.append((parent, value))
    return nodes, edges
