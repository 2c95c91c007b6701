r"""Sequence data made by code: a delayed-recall task and a text of "I was born in ..." sentences.

Lecture, "Recurrent Neural Network": inputs with temporal dependencies, e.g.
text generation, "I was born in France, I fluently speak ...". Both data sets
put the information needed at the last step many steps earlier.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_count, check_nonnegative, check_rng

__all__ = ["COUNTRIES", "CharCodec", "delayed_recall", "recall_symbols", "sentences"]

SYMBOLS = "ABCD"
DISTRACTORS = "wxyz"


def recall_symbols() -> list[str]:
    r"""Names of the D input channels of :func:`delayed_recall`: symbols, distractors, query."""
    return [*SYMBOLS, *DISTRACTORS, "?"]


def delayed_recall(n: int, delay: int, rng: np.random.Generator, distractors: float = 1.0,
                   noise: float = 0.0):
    r"""Remember the symbol shown first, answer it ``delay`` steps later.

    Each sequence has T = delay + 1 steps of one-hot inputs (D = 9 channels: the
    symbols A-D, the distractors w-z and a query mark "?"):
        step 0:             one of A, B, C, D               (the label)
        steps 1..delay-1:   random distractors w, x, y, z   (to ignore), each step with
                            probability ``distractors``, else nothing (all zeros)
        step delay:         the query "?"
    The label is the symbol of step 0 (K = 4 classes, chance 25%).

    Returns
    -------
    x : (n, delay + 1, 9) float; y : (n,) int in 0..3
    """
    n, delay = check_count(n, "n"), check_count(delay, "delay")
    check_rng(rng)
    noise = check_nonnegative(noise, "noise")
    distractors = check_nonnegative(distractors, "distractors")
    D = len(recall_symbols())
    y = rng.integers(0, len(SYMBOLS), n)
    x = np.zeros((n, delay + 1, D))
    x[np.arange(n), 0, y] = 1.0
    if not 0.0 <= distractors <= 1.0:
        raise ValueError(f"distractors is a probability in [0, 1]; got {distractors}")
    channel = len(SYMBOLS) + rng.integers(0, len(DISTRACTORS), (n, delay - 1))
    shown = rng.random((n, delay - 1)) < distractors
    rows, steps = np.meshgrid(np.arange(n), np.arange(1, delay), indexing="ij")
    x[rows[shown], steps[shown], channel[shown]] = 1.0
    x[:, delay, D - 1] = 1.0
    if noise:
        x += noise * rng.normal(size=x.shape)
    return x, y


#: country -> language, for sentences in the spirit of the lecture's example
COUNTRIES = {
    "France": "French", "Spain": "Spanish", "Italy": "Italian", "Germany": "German",
    "Greece": "Greek", "Poland": "Polish", "Sweden": "Swedish", "Japan": "Japanese",
}
_OPENINGS = ("I was born in {c}, ", "She grew up in {c}, ", "We lived in {c}, ",
             "He was raised in {c}, ")
_ENDINGS = ("I fluently speak {l}.", "she fluently speaks {l}.", "we fluently speak {l}.",
            "he fluently speaks {l}.")


def sentences(n: int, rng: np.random.Generator) -> str:
    r"""A text of ``n`` sentences like "I was born in France, I fluently speak French."

    The language at the end depends on the country about 20 characters earlier:
    a model must carry the country across the words in between.
    """
    n = check_count(n, "n")
    check_rng(rng)
    countries = list(COUNTRIES)
    lines = []
    for _ in range(n):
        country = countries[rng.integers(len(countries))]
        k = rng.integers(len(_OPENINGS))
        lines.append(_OPENINGS[k].format(c=country) + _ENDINGS[k].format(l=COUNTRIES[country]))
    return "\n".join(lines) + "\n"


class CharCodec:
    r"""Characters <-> indices 0..K-1 and one-hot vectors, for a fixed alphabet."""

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError("CharCodec needs a non-empty text to learn its alphabet from")
        self.alphabet = sorted(set(text))
        self.index = {ch: k for k, ch in enumerate(self.alphabet)}

    @property
    def size(self) -> int:
        r"""Number of distinct characters K."""
        return len(self.alphabet)

    def encode(self, text: str) -> np.ndarray:
        r"""Text -> indices, shape (len(text),)."""
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise ValueError(f"characters not in the alphabet: {''.join(unknown)!r}; the "
                             f"alphabet is {''.join(self.alphabet)!r}")
        return np.array([self.index[ch] for ch in text], dtype=np.int64)

    def _check_indices(self, indices) -> np.ndarray:
        indices = np.asarray(indices)
        if indices.size == 0:
            return indices.astype(np.int64)
        if indices.dtype.kind not in "iu":
            raise TypeError(f"character indices must be integers; got dtype {indices.dtype}")
        if indices.size and (indices.min() < 0 or indices.max() >= self.size):
            raise ValueError(f"character indices must lie in 0..{self.size - 1} for an alphabet "
                             f"of {self.size}; found {indices.min()}..{indices.max()}")
        return indices

    def decode(self, indices) -> str:
        r"""Indices -> text."""
        return "".join(self.alphabet[k] for k in self._check_indices(indices).ravel())

    def one_hot(self, indices) -> np.ndarray:
        r"""Indices of shape S -> one-hot floats of shape S + (K,)."""
        return np.eye(self.size)[self._check_indices(indices)]

    def windows(self, text: str, length: int, rng: np.random.Generator, n: int,
                at_line_starts: bool = False):
        r"""``n`` random windows of ``length`` characters and, for each step, the next character.

        ``at_line_starts=True`` starts every window at the beginning of a line, so
        that each window holds a whole sentence: what a late character depends on
        (the country, for the language) is inside the window.

        Returns x (n, length, K) one-hot and y (n, length) indices (x shifted by one).
        """
        length, n = check_count(length, "length"), check_count(n, "n")
        check_rng(rng)
        codes = self.encode(text)
        if codes.size <= length:
            raise ValueError(f"the text has {codes.size} characters; windows of {length} need "
                             f"at least {length + 1}")
        if at_line_starts:
            lines = np.flatnonzero(np.array(list(text[:-1])) == "\n") + 1
            lines = np.concatenate([[0], lines])
            lines = lines[lines + length < codes.size]
            if lines.size == 0:
                raise ValueError(f"no line starts {length + 1} characters before the end")
            starts = rng.choice(lines, n)
        else:
            starts = rng.integers(0, codes.size - length, n)
        idx = starts[:, None] + np.arange(length + 1)
        return self.one_hot(codes[idx[:, :-1]]), codes[idx[:, 1:]]
