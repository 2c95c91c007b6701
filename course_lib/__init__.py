r"""course_lib: the small numpy library behind the neural-network course notebooks.

Math core (numpy only, no plotting):
    activations   step, linear, sigmoid, tanh, relu, leaky_relu, elu and their derivatives
    neurons       McCulloch-Pitts units and Rosenblatt's perceptron with its learning rule
    datasets      logic gates, Gaussian blobs, XOR, moons, circles, spirals
    gradcheck     centred finite differences and relative errors
    losses, mlp   the losses and the multilayer perceptron with backpropagation  (notebook 02)
    training      the one training loop of every model: mini-batches, clipping, early stopping
    optim, regularization, surfaces   optimisers and schedules, L2 and dropout, 2-D losses (03)
    conv, pooling, cnn, images        convolution, pooling, a small CNN, images drawn by code (04)
    rnn, lstm, sequence, sequence_data   the RNN, the LSTM cell gate by gate, a sequence
                                         classifier, sequence data made by code (notebook 05)
    lstm_fused    the same LSTM with its four gates in one product: fast, tested equal to lstm
    history, features, evaluation   the lecture's opening in numbers (01); hand-made Sobel
                                    features, paired differences with their uncertainty (04)
    autograd      a scalar Value with backward(): the chain rule one operation at a time (02)
    autoencoder, som   unsupervised learning: autoencoders and PCA, self-organising maps (06)
    rl, dqn, cartpole  reinforcement learning: a grid world, value iteration, Q-learning,
                       a Deep Q-Network, the cart-pole dynamics (notebook 06)
    exercises     the notebooks' exercises: checker (the machinery) and bank (the exercises)
Presentation (imports matplotlib / ipywidgets):
    plotting      data, decision regions, boundaries, error curves; the named colours
    network_plot  a network drawn with its weights and each node's output map, or its numbers
    network_types the lecture's four types of networks, their connections counted (06)
    recurrent_plot  the RNN unfolded in time and one LSTM cell, filled with a model's values
    widgets       the live-panel pattern shared by every notebook
    explorers     the widgets of each notebook, one class each

Import the submodule you need, e.g. ``from course_lib import neurons``.
"""

__version__ = "0.1.0"
