r"""Explorers of notebook 05: the LSTM's gates over time, and sampling text with a temperature."""

from __future__ import annotations

import html

import numpy as np

from .. import losses, lstm, sequence
from ..plotting import axes_or_new
from ..widgets import LiveFigure, LivePanel, dropdown, slider

__all__ = ["gate_inspector", "memory_cells", "plot_gradient_through_time", "temperature_sampler"]

GATE_ROWS = (  # (attribute of LSTMCache, label, colour map, value range)
    ("f", "forget gate $f_t$", "viridis", (0, 1)),
    ("i", "input gate $i_t$", "viridis", (0, 1)),
    ("o", "output gate $o_t$", "viridis", (0, 1)),
    ("C", "cell state $C_t$", "PuOr", None),
    ("h", "output $h_t$", "PuOr", (-1, 1)),
)
CELL_COLORS = {"rnn": "#D55E00", "lstm": "#0072B2"}


def plot_gradient_through_time(norms: dict, ax=None):
    r"""Plot ||dL/dx_{T-k}|| against k for each model (log scale).

    ``norms`` maps a label to an array whose entry k is the gradient's norm k steps
    before the step the loss reads. Returns the lines.
    """
    ax = axes_or_new(ax)
    lines = []
    styles = ("-", "--", ":", "-.")
    for k, (label, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=float)
        color = CELL_COLORS.get(label.split()[0].lower())
        lines += ax.semilogy(np.arange(values.size), values, styles[k % len(styles)],
                             label=label, color=color, linewidth=2)
    ax.set_xlabel("k: steps back from the step the loss reads")
    ax.set_ylabel(r"$\|\partial L / \partial x_{T-k}\|$ (mean over sequences)")
    ax.set_title("How much gradient reaches k steps back")
    ax.legend()
    ax.grid(True, which="major", alpha=0.3)
    return lines


def memory_cells(cache: lstm.LSTMCache, y, n_classes: int) -> np.ndarray:
    r"""How well each memory cell's last C_t separates the classes: between / within variance.

    score_j = Var_k(mean of C_Tj in class k) / mean_k(Var of C_Tj in class k); a
    large score means cell j holds the answer. Returns scores of shape (H,).
    """
    C_last = cache.C[:, -1]
    y = np.asarray(y)
    means = np.array([C_last[y == k].mean(axis=0) for k in range(n_classes) if np.any(y == k)])
    within = np.mean([C_last[y == k].var(axis=0) for k in range(n_classes) if np.any(y == k)],
                     axis=0)
    return means.var(axis=0) / (within + 1e-12)


def gate_inspector(model: sequence.SequenceClassifier, x, y, step_names, class_names,
                   examples: int = 8) -> LivePanel:
    r"""Slide through the time steps of a trained LSTM's input and see every gate.

    Left: f_t, i_t, o_t, C_t, h_t of every memory cell (rows) at every step
    (columns), the chosen step marked. Right: the cell state C_t at the chosen step
    and what the network would answer if asked at that step, softmax(h_t W_y + b_y).
    Cells are sorted by how well their final C_t tells the classes apart
    (:func:`memory_cells`, over all of ``x``); the best three are named.
    """
    if model.cell != "lstm":
        raise ValueError("the gate inspector needs an LSTM model (cell='lstm')")
    _, cache = lstm.lstm_forward(x, None, model.cell_params)
    scores = memory_cells(cache, y, model.K)
    order = np.argsort(scores)[::-1]
    labels = [f"★ cell {j}" for j in order[:3]]  # rows 0-2: the cells that hold the answer
    N, T, H = cache.h.shape
    answers = losses.softmax(cache.h @ model.params["W_y"] + model.params["b_y"])  # (N, T, K)
    C_max = float(np.abs(cache.C).max()) or 1.0
    live = LiveFigure(len(GATE_ROWS), 2, figsize=(12, 8.5),
                      gridspec_kw={"width_ratios": [3.2, 1]})
    images, markers = [], []
    for row, (_, label, cmap, limits) in enumerate(GATE_ROWS):
        ax = live.axes[row, 0]
        vmin, vmax = limits or (-C_max, C_max)
        images.append(ax.imshow(np.zeros((H, T)), aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
                                interpolation="nearest"))
        markers.append(ax.axvline(0, color="#D55E00", linewidth=2))
        ax.set_ylabel(label + "\ncells", fontsize=10)
        ax.set_yticks([])
        ax.set_xticks(range(T), [] if row < len(GATE_ROWS) - 1 else None)
        ax.tick_params(axis="x", labelsize=9)
        live.figure.colorbar(images[-1], ax=ax, fraction=0.02, pad=0.01)
    live.axes[0, 0].set_title("every memory cell (rows, best three on top) at every step "
                              "(columns); the orange line is the chosen step", fontsize=10)
    live.axes[-1, 0].set_xlabel("time step t: the input symbol read at each step")
    grid = live.axes[0, 0].get_gridspec()
    for ax in live.axes[:, 1]:
        ax.remove()
    ax_bars = live.figure.add_subplot(grid[:3, 1])
    ax_answer = live.figure.add_subplot(grid[3:, 1])
    bars = ax_bars.barh(range(H), np.zeros(H), color="#0072B2")
    ax_bars.set_yticks(range(3), labels, fontsize=9)
    ax_bars.invert_yaxis()
    ax_bars.set_xlabel("$C_t$ at the chosen step")
    ax_bars.set_ylabel("memory cells (sorted)")
    ax_bars.axvline(0, color="black", linewidth=0.5)
    answer_bars = ax_answer.bar(range(model.K), np.zeros(model.K), color="#009E73")
    ax_answer.set_xticks(range(model.K), class_names)
    ax_answer.set_ylim(0, 1)
    ax_answer.set_ylabel("P(answer) = softmax($h_t W_y + b_y$)")
    ax_answer.set_xlabel("the answer read from $h_t$ at this step")
    live.animate(*markers, *bars, *answer_bars)
    shown = {"example": None}

    def update(example, t):
        t = min(t, T - 1)
        if shown["example"] != example:
            for image, (name, *_rest) in zip(images, GATE_ROWS, strict=True):
                image.set_data(getattr(cache, name)[example][:, order].T)
            symbols = [step_names[k] if x[example, s, k] > 0.5 else "·"
                       for s in range(T) for k in [int(np.argmax(x[example, s]))]]
            live.axes[-1, 0].set_xticklabels(symbols)
            limit = float(np.abs(cache.C[example]).max()) or 1.0
            ax_bars.set_xlim(-limit, limit)
            images[3].set_clim(-limit, limit)  # C_t on this example's own scale
            live.invalidate()
            shown["example"] = example
        for marker in markers:
            marker.set_xdata([t, t])
        for bar, value in zip(bars, cache.C[example, t, order], strict=True):
            bar.set_width(value)
        for bar, p in zip(answer_bars, answers[example, t], strict=True):
            bar.set_height(p)
        guess = int(np.argmax(answers[example, t]))
        k = int(np.argmax(x[example, t]))
        seen = step_names[k] if x[example, t, k] > 0.5 else "nothing"
        return (f"example {example}: label <b>{class_names[y[example]]}</b> · step {t} of "
                f"{T - 1}, input {html.escape(seen)} · the output layer would answer "
                f"{class_names[guess]} ({answers[example, t, guess]:.0%}) · starred cells: "
                f"mean f_t {cache.f[example, t, order[:3]].mean():.2f}, "
                f"i_t {cache.i[example, t, order[:3]].mean():.2f}")

    controls = {
        "example": slider("example", 0, min(examples, N) - 1, 1, 0, heavy=True),
        "t": slider("time step t", 0, T - 1, 1, T - 1),
    }
    return LivePanel(controls, update, live, title="LSTM gate inspector")


def temperature_sampler(model: sequence.SequenceClassifier, codec, prompts, length: int = 160,
                        top: int = 12) -> LivePanel:
    r"""Sample text from a character model: P_k = softmax(net_k / temperature).

    Left: the probabilities of the next character after the prompt at this
    temperature (the ``top`` most likely). The status shows a sampled continuation;
    the seed slider draws another one.
    """
    live = LiveFigure(figsize=(10, 3.6))
    ax = live.axes
    net_cache = {}

    def next_net(prompt):
        if prompt not in net_cache:
            net, _ = model.forward(codec.one_hot(codec.encode(prompt))[None])
            net_cache[prompt] = net[0, -1]
        return net_cache[prompt]

    positions = np.arange(top)
    bars = ax.bar(positions, np.zeros(top), color="#0072B2")
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(next character)")
    ax.set_xlabel("the most likely next characters")
    ax.set_title("Next character after the prompt")

    def update(prompt, temperature, seed):
        p = sequence.next_char_probabilities(next_net(prompt), temperature)
        best = np.argsort(p)[::-1][:top]
        for bar, k in zip(bars, best, strict=True):
            bar.set_height(p[k])
        names = [repr(codec.alphabet[k])[1:-1] or " " for k in best]
        ax.set_xticks(positions, [n if n != " " else "space" for n in names])
        ax.set_title(f"Next character after {prompt!r} at temperature {temperature:.2f}",
                     fontsize=10)
        text = sequence.generate(model, codec, prompt, length, temperature=temperature,
                                 rng=np.random.default_rng(seed))
        shown = html.escape(prompt) + "<b>" + html.escape(text) + "</b>"
        return ('<pre style="white-space:pre-wrap;margin:0">' + shown + "</pre>"
                f"temperature {temperature:.2f}: {np.sum(p > 0.01)} character(s) with P > 1%")

    prompt = dropdown("prompt", prompts)
    prompt.layout.width = "420px"
    controls = {
        "prompt": prompt,
        "temperature": slider("temperature", 0.1, 2.0, 0.05, 1.0),
        "seed": slider("sample (seed)", 0, 20, 1, 0),
    }
    return LivePanel(controls, update, live, title="Sampling with a temperature")
