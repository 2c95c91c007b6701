r"""The lecture's opening in numbers: the brain against a Pentium 4, and the timeline.

Lecture: "Facts of Human Brain", "Intel Pentium 4 1.5GHz", the decade slides
("1940s: Artificial neuron" ... "2010s: Deep learning") and "The timeline".

Every fact carries the number the lecture's slide gives, today's estimate and its
source, so a notebook can compute with both and say where they differ:

    synaptic events per second = neurons * connections per neuron * firing rate
    transistor switchings per second (at most) = transistors * clock
    energy per event = power / events per second
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "BRAIN",
    "DECADE_SLIDES",
    "PENTIUM_4",
    "TIMELINE",
    "Event",
    "Fact",
    "energy_per_event",
    "events_per_second",
    "format_facts",
    "lecture_date_differences",
]


class Fact(NamedTuple):
    r"""One number of the lecture's opening slides, as the slide gives it and as measured."""

    quantity: str
    unit: str
    lecture: tuple[float, float]  # (low, high) as the slide gives it; low == high for one value
    lecture_text: str  # the slide's own words
    estimate: tuple[float, float]  # (low, high) today's estimate
    typical: float  # the one value a calculation uses
    source: str


#: "Facts of Human Brain": the lecture's numbers beside today's estimates and their sources
BRAIN = {
    "neurons": Fact(
        "neurons", "", (1e10, 1e10), "10^{10} (100 billion)", (7.8e10, 9.4e10), 8.6e10,
        "Azevedo et al. 2009, J. Comp. Neurol. 513:532 (86 +- 8 billion by isotropic "
        "fractionation; 69 billion of them in the cerebellum, 16 billion in the cerebral "
        "cortex). The slide's two numbers disagree: 100 billion is 10^11."),
    "connections": Fact(
        "connections per neuron", "", (1e4, 1e4), "about 10^4", (1e3, 1e4), 1e4,
        "Whole brain: 10^14-10^15 synapses (the usual range) over 8.6e10 neurons, about "
        "10^3-10^4 each. Right order for cortical neurons: about 1.5e14 synapses on about "
        "2e10 neocortical neurons, some 7,000 each (Pakkenberg et al. 2003, Exp. Gerontol. "
        "38:95); but the cerebellum's granule cells, most of all neurons, have about 4 "
        "inputs each."),
    "firing rate": Fact(
        "firing rate", "Hz", (250.0, 2000.0), "~250 - 2000Hz", (0.1, 10.0), 1.0,
        "The slide's range is a ceiling, and its top is beyond any neuron: a refractory "
        "period of about 1 ms caps firing near 1 kHz. Typical cortical rates are 0.1-10 Hz, "
        "most neurons below 1 Hz and the mean of order 1 Hz (Lennie 2003, Curr. Biol. "
        "13:493; Buzsaki and Mizuseki 2014, Nat. Rev. Neurosci. 15:264)."),
    "power": Fact(
        "power", "W", (20.0, 40.0), "20-40W (~20% of body consumption)", (15.0, 25.0), 20.0,
        "About 20 W, 20% of the body's resting energy use (Raichle and Gusnard 2002, "
        "PNAS 99:10237); 40 W is twice that."),
}

#: "Intel Pentium 4 1.5GHz" (Willamette, November 2000)
PENTIUM_4 = {
    "transistors": Fact(
        "transistors", "", (4.2e7, 4.2e7), "4.2x10^7", (4.2e7, 4.2e7), 4.2e7,
        "Intel: 42 million transistors (Pentium 4, 180 nm, 2000); the slide is right."),
    "clock": Fact(
        "clock", "Hz", (1.5e9, 1.5e9), "1.5 GHz (\"maximum firing frequency\")",
        (1.5e9, 1.5e9), 1.5e9, "The model's name: 1.5 GHz."),
    "power": Fact(
        "power", "W", (55.0, 55.0), "up to 55 Watts", (55.0, 55.0), 55.0,
        "Intel's thermal design power for the 1.5 GHz Pentium 4 (Willamette, 2000) is "
        "54.7 W; the slide rounds it to 55 W."),
    "multiply-adds per cycle": Fact(
        "multiply-adds per cycle", "", (2.0, 2.0), "(not on the slide)", (2.0, 2.0), 2.0,
        "SSE at its peak: 4 single-precision operations per cycle, i.e. 2 multiply-adds "
        "(one packed add and one packed multiply of 4 numbers every 2 cycles)."),
}


class Event(NamedTuple):
    r"""One date of the timeline, with the decade slide the lecture files it under."""

    year: int
    label: str  # short, for a figure
    who: str
    what: str
    lecture: str  # the lecture slide that tells it ("" if none)
    lecture_decade: int | None  # the decade that slide names (None: no decade given)
    source: str


#: The lecture's timeline with the dates of the publications, and what its "AI winter" missed
TIMELINE = (
    Event(1943, "artificial neuron", "W. McCulloch, W. Pitts", "a threshold logic unit",
          "1940s: Artificial neuron", 1940,
          "Bull. Math. Biophys. 5:115 (1943)"),
    Event(1958, "perceptron", "F. Rosenblatt", "learnable weights",
          "1950s: Perceptron", 1950, "Psychol. Rev. 65:386 (1958)"),
    Event(1960, "ADALINE, LMS rule", "B. Widrow, M. Hoff", "least-mean-squares learning",
          "The timeline", None, "IRE WESCON Convention Record 4:96 (1960)"),
    Event(1969, "Perceptrons: XOR", "M. Minsky, S. Papert",
          "one layer cannot compute XOR", "1970s: XOR problem", 1970,
          "Perceptrons, MIT Press (1969)"),
    Event(1982, "Hopfield network", "J. Hopfield", "associative memory, an energy function",
          "", None, "PNAS 79:2554 (1982)"),  # the 1980s slide reports no development
    Event(1986, "backpropagation", "D. Rumelhart, G. Hinton, R. Williams",
          "the multilayer perceptron trained by gradient descent",
          "1990s: Multilayer perceptron", 1990, "Nature 323:533 (1986)"),
    Event(1989, "convolutional net", "Y. LeCun et al.",
          "backpropagation on handwritten zip codes, weight sharing",
          "2010s: Deep learning", 2010, "Neural Comput. 1:541 (1989)"),  # "weight sharing"
    Event(1995, "support vector machine", "C. Cortes, V. Vapnik", "kernels, maximum margin",
          "The timeline", None, "Mach. Learn. 20:273 (1995)"),
    Event(1997, "LSTM", "S. Hochreiter, J. Schmidhuber", "gated memory for long sequences",
          "", None, "Neural Comput. 9:1735 (1997)"),
    Event(2006, "deep pretraining", "G. Hinton, R. Salakhutdinov",
          "deep autoencoders, layer-wise pretraining", "2010s: Deep learning", 2010,
          "Science 313:504 (2006)"),
    Event(2012, "AlexNet", "A. Krizhevsky, I. Sutskever, G. Hinton",
          "a deep CNN wins ImageNet", "2010s: Deep learning", 2010,
          "NeurIPS 25 (2012)"),
)


#: The lecture's decade slides, their titles broken for a figure; the 1980s slide's claim
#: ("No significant developments") is contradicted by the 1980s events of TIMELINE
DECADE_SLIDES = {
    1940: "1940s:\nArtificial\nneuron",
    1950: "1950s:\nPerceptron",
    1970: "1970s:\nXOR problem",
    1980: "1980s:\nAI winter: \"No\nsignificant\ndevelopments\"",
    1990: "1990s:\nMultilayer\nperceptron",
    2010: "2010s:\nDeep\nlearning",
}


def _positive(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{name} must be positive and finite, got {value!r}")
    return array


def events_per_second(units, per_unit, rate_hz) -> np.ndarray:
    r"""Elementary events per second: units * events each unit takes part in * their rate.

    Brain: neurons * synapses per neuron * firing rate (synaptic events per second);
    chip: transistors * 1 * clock (an upper bound on switchings per second).
    Arguments broadcast (pass arrays for ranges); all must be positive.
    """
    return (_positive("units", units) * _positive("per_unit", per_unit)
            * _positive("rate_hz", rate_hz))


def energy_per_event(power_w, per_second) -> np.ndarray:
    r"""Joules per event: power (W = J/s) / events per second."""
    return _positive("power_w", power_w) / _positive("per_second", per_second)


def format_facts(facts: dict[str, Fact]) -> str:
    r"""The facts as a text table: quantity, the lecture's text, the estimate, the value used."""
    rows = [("quantity", "lecture", "estimate", "used")]
    for fact in facts.values():
        low, high = fact.estimate
        unit = f" {fact.unit}" if fact.unit else ""
        estimate = f"{low:.2g}{unit}" if low == high else f"{low:.2g}-{high:.2g}{unit}"
        rows.append((fact.quantity, fact.lecture_text, estimate, f"{fact.typical:.2g}{unit}"))
    widths = [max(len(row[k]) for row in rows) for k in range(4)]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def lecture_date_differences(events=TIMELINE) -> list[Event]:
    r"""The events whose year falls outside the decade the lecture files them under."""
    return [e for e in events if e.lecture_decade is not None
            and not e.lecture_decade <= e.year < e.lecture_decade + 10]
