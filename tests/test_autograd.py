r"""The scalar autograd and the drawing of its computation graph.

Lecture: "Chain rule" (eq. 1), "Let's find the update rules", "Backpropagation
algorithm": every local derivative against centred finite differences, a value used
twice, and the lecture's worked example, (x, y) = ([0.5, 0.1], 1), one number at a time,
equal to the library's vectorised backward pass.
"""

from __future__ import annotations

import ast
import inspect
import math

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from course_lib import activations, autograd, gradcheck, losses, mlp, plotting
from course_lib.autograd import Value

# ---- every operation against centred finite differences ------------------------------

EXPRESSIONS = {
    # (a, b, c) -> L, together using every operation, numbers on either side
    "tanh, *, +, -, /": lambda a, b, c: (a * b + c).tanh() * a - b / c,
    "**, exp, log, number / Value": lambda a, b, c: (a ** 2 + b.exp()).log() - 3 / (c ** 2 + 1),
    "number - Value, sigmoid, neg, relu": lambda a, b, c: (
        (2 - a).sigmoid() * (-b) + (c * 1.5 - 0.1).relu() + 0.5 * a),
    "number + Value, a value used twice": lambda a, b, c: 1 + (a * a + a) / (b ** 2 + 1) - c ** 3,
    "negative and fractional powers": lambda a, b, c: (
        (a ** 2 + 1) ** -0.5 * (c ** 2 + b ** 2) ** 1.5),
    "relu of a negative number": lambda a, b, c: (-(a * a) - 1).relu() + b * c,
}


def _loss_and_grads(expression, x):
    inputs = [Value(v, name) for v, name in zip(x, "abc", strict=True)]
    L = expression(*inputs)
    L.backward()
    return L, np.array([v.grad for v in inputs])


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_gradients_match_centred_finite_differences(name):
    expression = EXPRESSIONS[name]
    rng = np.random.default_rng(15)
    for _ in range(5):
        x = rng.uniform(0.3, 1.5, size=3) * rng.choice([-1.0, 1.0], size=3)
        _, grad = _loss_and_grads(expression, x)
        numeric = gradcheck.numerical_gradient(
            lambda x: expression(*(Value(v) for v in x)).data, x.copy())
        assert gradcheck.relative_error(grad, numeric) < 1e-7, (name, x, grad, numeric)


def test_the_expressions_use_every_operation():
    ops = set()
    for expression in EXPRESSIONS.values():
        L, _ = _loss_and_grads(expression, [0.7, -0.4, 1.1])
        ops |= {v._op for v in autograd.topological_order(L)}
    assert ops >= {"+", "-", "*", "/", "neg", "**2", "**3", "**-0.5", "**1.5", "exp", "log",
                   "tanh", "sigmoid", "relu"}


def test_numbers_on_the_left_are_constants_of_the_graph():
    a = Value(4.0, "a")
    for out, expected, d_da in [(2 + a, 6.0, 1.0), (2 - a, -2.0, -1.0), (2 * a, 8.0, 2.0),
                                (2 / a, 0.5, -2 / 16), (np.float64(2.0) * a, 8.0, 2.0)]:
        assert isinstance(out, Value) and out.data == expected
        out.backward()
        assert a.grad == pytest.approx(d_da, abs=1e-15)
        constant, operand = out._parents
        assert constant.data == 2.0 and not constant._parents and operand is a


def test_local_derivatives_are_the_lectures():
    net = Value(0.3)
    o = net.sigmoid()
    o.backward()
    assert net.grad == pytest.approx(o.data * (1 - o.data), abs=1e-15)  # eq. (4)
    assert net.grad == pytest.approx(float(activations.sigmoid_prime(0.3)), abs=1e-15)
    for x in (-800.0, 800.0):  # far out: no overflow, derivative 0
        assert Value(x).sigmoid().data == pytest.approx(float(activations.sigmoid(x)))
    t = Value(0.0)
    t.relu().backward()
    assert t.grad == 0.0  # 0 at the kink, as activations.relu_prime


# ---- accumulation, backward twice, deep graphs ---------------------------------------

def test_a_value_used_twice_gets_the_sum_of_its_gradients():
    a = Value(3.0, "a")
    L = a * a + a  # dL/da = 2a + 1
    L.backward()
    assert a.grad == 7.0
    b = Value(-2.0, "b")
    L = (b * 3.0).tanh() + (b * b).exp()  # b feeds two branches (lecture eq. 6: a sum)
    L.backward()
    expected = 3 * (1 - math.tanh(-6.0) ** 2) + 2 * -2.0 * math.exp(4.0)
    assert b.grad == pytest.approx(expected, rel=1e-14)


def test_backward_twice_gives_the_same_gradients():
    a, b = Value(0.5, "a"), Value(-1.5, "b")
    L = (a * b + a).sigmoid() * b
    L.backward()
    first = (a.grad, b.grad, L.grad)
    L.backward()
    assert (a.grad, b.grad, L.grad) == first


def test_a_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(1.0, "x")
    v = x
    for _ in range(5000):
        v = v * 1.0 + 0.0
    v.backward()
    assert x.grad == 1.0


def test_topological_order_lists_each_value_once_after_its_operands():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    L = c + c * a
    order = autograd.topological_order(L)
    assert order[-1] is L and len(order) == len({id(v) for v in order}) == 5
    position = {id(v): k for k, v in enumerate(order)}
    assert all(position[id(p)] < position[id(v)] for v in order for p in v._parents)


def test_graph_gives_one_edge_per_operand_and_result():
    a = Value(3.0, "a")
    square = a * a
    L = square + a
    nodes, edges = autograd.graph(L)
    assert nodes == autograd.topological_order(L)
    assert [(p.label or p._op, c._op) for p, c in edges] == [("a", "*"), ("*", "+"), ("a", "+")]


def test_repr_shows_data_grad_and_label():
    assert repr(Value(0.609450, "o_h1")) == "Value(data=0.6095, grad=0, label='o_h1')"
    assert repr(Value(2)) == "Value(data=2, grad=0)"


# ---- the lecture's worked example -----------------------------------------------------

X = np.array([[0.5, 0.1]])
Y = np.array([[1.0]])
PARAMS = {"W1": np.array([[0.15, 0.25], [0.20, 0.30]]), "b1": np.array([0.35, 0.35]),
          "W2": np.array([[0.40], [0.45]]), "b2": np.array([0.60])}
#: the name of each weight and where the library keeps it, as in notebook 02
WEIGHTS = {"w_x1h1": ("W1", (0, 0)), "w_x2h1": ("W1", (1, 0)), "w_x1h2": ("W1", (0, 1)),
           "w_x2h2": ("W1", (1, 1)), "b_h1": ("b1", (0,)), "b_h2": ("b1", (1,)),
           "w_h1out": ("W2", (0, 0)), "w_h2out": ("W2", (1, 0)), "b_out": ("b2", (0,))}


def lecture_example():
    r"""The 2-2-1 sigmoid network of the lecture's forward run, one Value per number."""
    w = {name: Value(PARAMS[array][index], name) for name, (array, index) in WEIGHTS.items()}
    x1, x2, y = Value(X[0, 0], "x1"), Value(X[0, 1], "x2"), Value(Y[0, 0], "y")
    o = {}
    for j in ("h1", "h2"):
        net_j = x1 * w[f"w_x1{j}"] + x2 * w[f"w_x2{j}"] + w[f"b_{j}"]   # net_j = sum_i w_ij o_i
        net_j.label = f"net_{j}"
        o[j] = net_j.sigmoid()                                          # o_j = sigma(net_j)
        o[j].label = f"o_{j}"
    net_out = o["h1"] * w["w_h1out"] + o["h2"] * w["w_h2out"] + w["b_out"]
    net_out.label = "net_out"
    y_hat = net_out.sigmoid()
    y_hat.label = "y_hat"
    L = 0.5 * (y - y_hat) ** 2                                          # 1/2 (y - y_hat)^2
    L.label = "L"
    return L, w


def library_gradients():
    r"""Notebook 02's forward_loss and its backward pass with the library's layers."""
    net_h, cache_1 = mlp.dense_forward(X, PARAMS["W1"], PARAMS["b1"])
    o_h = activations.sigmoid(net_h)
    net_out, cache_2 = mlp.dense_forward(o_h, PARAMS["W2"], PARAMS["b2"])
    loss, dy_hat = losses.squared_error(activations.sigmoid(net_out), Y)
    delta_out = dy_hat * activations.sigmoid_prime(net_out)
    do_h, dW2, db2 = mlp.dense_backward(delta_out, cache_2)
    _, dW1, db1 = mlp.dense_backward(do_h * activations.sigmoid_prime(net_h), cache_1)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    return loss, {name: float(grads[array][index]) for name, (array, index) in WEIGHTS.items()}


def test_the_worked_example_one_number_at_a_time_equals_the_library():
    L, w = lecture_example()
    L.backward()
    assert round(L.data, 6) == 0.030060
    loss, library = library_gradients()
    assert L.data == pytest.approx(loss, abs=1e-15)
    for name, value in w.items():
        assert value.grad == pytest.approx(library[name], abs=1e-12), name
    # the numbers notebook 02 prints
    assert round(w["w_x1h1"].grad, 8) == -0.00216022
    assert round(w["w_h1out"].grad, 8) == -0.02765609
    assert round(w["b_out"].grad, 8) == -0.04537878


def test_the_grad_of_net_j_is_the_lectures_delta_j():
    L, w = lecture_example()
    L.backward()
    nodes = {v.label: v for v in autograd.topological_order(L) if v.label}
    y_hat = nodes["y_hat"].data
    delta_out = -(1 - y_hat) * y_hat * (1 - y_hat)                 # output node
    assert nodes["net_out"].grad == pytest.approx(delta_out, abs=1e-15)
    o_h1 = nodes["o_h1"].data
    delta_h1 = w["w_h1out"].data * delta_out * o_h1 * (1 - o_h1)  # intermediate node
    assert nodes["net_h1"].grad == pytest.approx(delta_h1, abs=1e-15)
    assert w["w_x1h1"].grad == pytest.approx(delta_h1 * 0.5, abs=1e-15)  # eq. 7: delta_j o_i


# ---- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize(("bad", "error", "message"), [
    ("a", TypeError, "plain number.*str 'a'"),
    (None, TypeError, "plain number.*NoneType"),
    (True, TypeError, "plain number.*bool"),
    (float("nan"), ValueError, "finite number; got nan"),
    (float("inf"), ValueError, "finite number; got inf"),
])
def test_a_value_needs_a_finite_plain_number(bad, error, message):
    with pytest.raises(error, match=message):
        Value(bad)


def test_bad_operations_say_what_would_work():
    with pytest.raises(TypeError, match=r"exponent must be a plain number.*exp\(\).*log"):
        Value(2) ** Value(2)
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        2 ** Value(2)
    with pytest.raises(ValueError, match="log needs a positive number; got 0"):
        Value(0).log()
    with pytest.raises(ValueError, match="log needs a positive number; got -1"):
        Value(-1).log()
    with pytest.raises(TypeError, match="Value or a plain number.*str"):
        Value(1) + "a"
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1, label=3)
    with pytest.raises(ZeroDivisionError, match="denominator"):
        Value(1) / 0
    with pytest.raises(ValueError, match="negative base needs an integer exponent"):
        Value(-8) ** 0.5
    with pytest.raises(ValueError, match="not a finite number"):
        Value(1000).exp()
    with pytest.raises(TypeError, match="root must be a Value"):
        autograd.topological_order(1.0)


def test_autograd_imports_the_standard_library_only():
    tree = ast.parse(inspect.getsource(autograd))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"math", "numbers", "__future__", "typing", "collections", "dataclasses",
                        "itertools"}


# ---- the drawing ------------------------------------------------------------------------

def _drawn(**kwargs):
    r"""The worked example drawn at slide size (12.2 x 4.7 in, 100 dpi, projector fonts)."""
    L, w = lecture_example()
    L.backward()
    with matplotlib.rc_context(plotting.PROJECTOR_RC):
        fig = Figure(figsize=plotting.PROJECTOR_BOX, dpi=plotting.PROJECTOR_DPI,
                     layout="constrained")
        ax = fig.subplots()
        if kwargs.get("highlight") == "w_x1h1":
            kwargs["highlight"] = w["w_x1h1"]
        artists = plotting.plot_computation_graph(L, ax, **kwargs)
        fig.draw_without_rendering()
    return L, w, artists


def test_drawing_has_one_box_and_one_label_per_value():
    L, _, artists = _drawn()
    nodes, edges = autograd.graph(L)
    assert len(nodes) == 31  # 12 inputs, weights, biases and y, a constant 0.5, 18 operations
    assert artists["graph"][0] == nodes
    for key in ("nodes", "labels", "values", "grads"):
        assert len(artists[key]) == len(nodes), key
    assert len(artists["edges"]) == len(edges) and len(artists["ops"]) == 18
    assert all(t.get_text().strip() for t in artists["labels"])
    assert [t.get_text() for t in artists["values"]][-1] == "0.0301"  # L = 0.030060
    assert [t.get_text() for t in artists["grads"]][-1] == "1"        # dL/dL = 1
    backward = to_hex(plotting.COLORS["backward"])
    assert {to_hex(t.get_color()) for t in artists["grads"]} == {backward}
    assert {to_hex(t.get_color()) for t in artists["values"]} == {
        to_hex(plotting.COLORS["forward"])}
    assert not artists["highlighted"]


def test_boxes_do_not_overlap_and_texts_stay_inside_at_slide_size():
    for show in ("both", "values", "grads"):
        L, _, artists = _drawn(show=show)
        unnamed = [v for v in autograd.topological_order(L) if v._parents and not v.label]
        boxes = [patch.get_window_extent() for patch in artists["nodes"]]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), show
        circles = {id(c): c.get_window_extent() for c in artists["ops"]}
        texts = [*artists["values"], *artists["grads"], *artists["labels"]]
        inside = 0
        for text in texts:
            extent = text.get_window_extent()
            center = ((extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2)
            if all(not c.contains(*center) for c in circles.values()):
                box = next(b for b in boxes if b.contains(*center))
                inside += 1
                assert box.x0 - 1 <= extent.x0 and extent.x1 <= box.x1 + 1, (show, text)
                assert box.y0 - 2 <= extent.y0 and extent.y1 <= box.y1 + 2, (show, text)
        assert inside == len(texts) - len(unnamed), show  # these are named in their op circle
        for circle, symbol in zip(artists["ops"], artists["symbols"], strict=True):
            c, t = circle.get_window_extent(), symbol.get_window_extent()
            assert c.x0 - 1 <= t.x0 and t.x1 <= c.x1 + 1 and c.y0 - 1 <= t.y0 <= t.y1 <= c.y1 + 1
        # readable on a projector: no text under the slide's minimum size
        smallest = min(t.get_fontsize() for t in texts)
        assert smallest >= plotting.PROJECTOR_MIN_POINTS, (show, smallest)


def _random_graph(rng, n_inputs=4, n_operations=30):
    values = [Value(rng.uniform(0.5, 1.5), f"x{k + 1}") for k in range(n_inputs)]
    unary = ("tanh", "sigmoid", "exp", "relu")
    for k in range(n_operations):
        a, b = (values[i] for i in rng.choice(len(values), size=2))
        op = k % 6
        out = [a + b, a * b, a - b, getattr(a, unary[k % 4])(), (a * a + 1).log(), a ** 2][op]
        values.append(out.tanh() if abs(out.data) > 3 else out)
    L = sum(values[-6:], Value(0.0, "zero"))
    L.label = "L"
    L.backward()
    return L


@pytest.mark.parametrize("figsize", [(12.2, 4.7), (5, 4.5), (8, 8)])
def test_boxes_of_a_larger_graph_do_not_overlap_in_any_figure(figsize):
    L = _random_graph(np.random.default_rng(7))
    ax = Figure(figsize=figsize).subplots()
    artists = plotting.plot_computation_graph(L, ax, show="grads", highlight=L._parents[1])
    assert len(artists["nodes"]) == len(autograd.topological_order(L)) > 30
    boxes = [patch.get_window_extent() for patch in artists["nodes"]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def test_highlight_draws_exactly_the_paths_from_the_weight_to_the_loss():
    L, w, artists = _drawn(highlight="w_x1h1")
    nodes, edges = autograd.graph(L)
    weight = w["w_x1h1"]

    def depends_on_weight(value):
        return any(v is weight for v in autograd.topological_order(value))

    expected = [k for k, (operand, _) in enumerate(edges) if depends_on_weight(operand)]
    drawn = [artists["edges"].index(arrow) for arrow in artists["highlighted"]]
    assert drawn == expected
    # w_x1h1 -> * -> + -> + -> sigma -> * -> + -> + -> sigma -> - -> **2 -> * (L): 11 arrows
    assert len(expected) == 11
    accent = to_hex(plotting.COLORS["accent"])
    assert {to_hex(a.get_edgecolor()) for a in artists["highlighted"]} == {accent}
    assert accent not in {to_hex(a.get_edgecolor()) for a in artists["edges"]
                          if a not in artists["highlighted"]}


def test_show_values_draws_the_forward_pass_only():
    _, _, artists = _drawn(show="values")
    assert artists["grads"] == [] and len(artists["values"]) == 31


def test_show_grads_draws_the_arrows_backwards():
    _, _, forward_artists = _drawn()
    _, _, backward_artists = _drawn(show="grads")
    arrow_f, arrow_b = forward_artists["edges"][0], backward_artists["edges"][0]
    (fa, fb), (ba, bb) = arrow_f._posA_posB, arrow_b._posA_posB
    assert fa[0] < fb[0] and ba[0] > bb[0]  # left to right, then right to left
    assert to_hex(arrow_b.get_edgecolor()) == to_hex(plotting.COLORS["backward"])


def test_drawing_without_axes_makes_a_slide_sized_figure():
    import matplotlib.pyplot as plt

    a = Value(2.0, "a")
    L = (a * a).tanh()
    L.backward()
    artists = plotting.plot_computation_graph(L)
    fig = artists["nodes"][0].figure
    assert tuple(fig.get_size_inches()) == pytest.approx(plotting.PROJECTOR_BOX)
    assert not artists["nodes"][0].axes.axison
    plt.close(fig)


def test_drawing_bad_input_raises():
    ax = Figure().subplots()
    with pytest.raises(TypeError, match="root must be a course_lib.autograd.Value"):
        plotting.plot_computation_graph(0.5, ax)
    L = Value(1.0, "a") * 2
    with pytest.raises(ValueError, match="not in the graph"):
        plotting.plot_computation_graph(L, ax, highlight=Value(1.0, "a"))
    with pytest.raises(TypeError, match="highlight must be a Value"):
        plotting.plot_computation_graph(L, ax, highlight="a")
    with pytest.raises(ValueError, match="show must be one of"):
        plotting.plot_computation_graph(L, ax, show="gradients")
