r"""The larger exercises of notebooks 01-06: a whole loop, a whole backward pass, a whole layer.

Each solution takes 5-20 lines built from what its notebook has just taught (the
perceptron's training loop, a dense layer's backward pass, the backward pass of a
2-layer network, momentum descent and where it diverges, the cross-correlation with
stride and padding, one LSTM step, one step of backpropagation through time, one
sweep of value iteration). The checker says which part of a tuple answer is wrong,
and ``diagnose`` names a typical mistake when it recognises one: it recomputes the
case with each known mistake (e.g. the kernel flipped, db not summed) and says the
one whose result is what the student returned. Each exercise has a hint ladder of
three steps: the lecture's equation, the shapes involved, a skeleton with blanks.

The exercises are in :data:`LARGER`, in the order of the notebooks; the references
are the library's own functions wherever it has one.
"""


from __future__ import annotations

from . import larger_cnn_rnn_rl, larger_mlp
from .checker import Exercise
from .larger_cnn_rnn_rl import Params

__all__ = ["LARGER", "Params"]

#: the larger exercises, in the order of the notebooks (01-03, then 04-06)
LARGER: list[Exercise] = larger_mlp.LARGER + larger_cnn_rnn_rl.LARGER
