r"""course_lib: the small numpy library behind the neural-network course notebooks.

Math core (numpy only, no plotting):
    activations  step, linear, sigmoid, tanh, relu, leaky_relu, elu and their derivatives
    neurons      McCulloch-Pitts units and Rosenblatt's perceptron with its learning rule
    datasets     logic gates, Gaussian blobs, XOR, moons, circles, spirals
    gradcheck    centred finite differences and relative errors
    losses, mlp, training, optim, regularization, surfaces    notebooks 02-03
    conv, pooling, cnn, images                                notebook 04
    rnn, lstm, sequence, sequence_data                        notebook 05
    exercises    the checkers of the notebooks' exercises
Presentation (imports matplotlib / ipywidgets):
    plotting     data, decision regions, boundaries, error curves
    widgets      the live-panel pattern shared by every notebook
    explorers    the widgets of each notebook

Import the submodule you need, e.g. ``from course_lib import neurons``.
"""

__version__ = "0.1.0"
