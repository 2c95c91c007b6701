r"""Autoencoders: a network trained to give back its input through a small code, and PCA.

Lecture, "(Un)supervised learning": "Goal: to find the compact representation
of inputs. Usually trained using backpropagation with the input itself as target."

An autoencoder is an MLP (:class:`course_lib.mlp.MLP`) with D inputs, D outputs
and a narrow hidden layer in the middle, the code z of ``code_size`` units:

    encoder   z = f(... f(x W_1 + b_1) ... W_m + b_m)          (x: shape (D,), z: (code_size,))
    decoder   x_hat = g(f(... f(z W_{m+1} + b_{m+1}) ...) W_L + b_L)
    loss      L = 1/N sum_n 1/2 ||x_n - x_hat_n||^2             (squared error, target = input)

Every hidden layer (the code included) uses the activation f. The output g is
"linear" (x_hat = net: the output delta is (x_hat - x) / N, as for regression)
or "sigmoid" (x_hat = sigma(net), for inputs in [0, 1] such as pixels: the output
delta is the lecture's own, -(x - x_hat) x_hat (1 - x_hat) / N). Then the same
backpropagation as any MLP: no label is ever used.

Denoising autoencoder: in training the input is corrupted, x_tilde = m * x + s eps
(m_i ~ Bernoulli(1 - masking), eps ~ N(0, 1), s = ``noise``), while the target
stays the clean x: the network must learn what digits look like to undo the noise.

Linear autoencoder (f and g the identity, one code layer of k units): its best
reconstruction is the projection onto the first k principal components, so after
training its decoder spans the same subspace as PCA's components (Baldi & Hornik
1989). :func:`pca` computes them from the SVD of the centred data, and
:func:`principal_angles` measures how far apart two subspaces are.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import activations, losses, regularization
from ._model import Model
from ._validate import as_points, check_count, check_nonnegative, check_rng
from .mlp import MLP, dense_forward

__all__ = ["OUTPUTS", "PCA", "Autoencoder", "corrupt", "pca", "principal_angles"]

#: the output layer g: linear, or sigmoid for inputs in [0, 1]
OUTPUTS = ("linear", "sigmoid")


def corrupt(X, rng: np.random.Generator, noise: float = 0.0, masking: float = 0.0) -> np.ndarray:
    r"""A corrupted copy of X for a denoising autoencoder.

    x_tilde = m * x + noise * eps,   m_i ~ Bernoulli(1 - masking),  eps_i ~ N(0, 1)

    Parameters
    ----------
    X : array, shape (N, D)
    rng : numpy.random.Generator
    noise : standard deviation of the Gaussian noise, >= 0
    masking : fraction of the inputs set to 0, in [0, 1)

    Returns
    -------
    X_tilde : array, shape (N, D) (X is not changed)
    """
    X = np.asarray(X)
    check_rng(rng)
    noise = check_nonnegative(noise, "noise (standard deviation)")
    masking = _check_masking(masking)
    X_tilde = X.copy()
    if masking:
        X_tilde *= rng.uniform(size=X.shape) >= masking       # m_i = 0 with probability masking
    if noise:
        X_tilde += noise * rng.standard_normal(X.shape)       # + noise * eps
    return X_tilde


def _check_masking(masking) -> float:
    masking = check_nonnegative(masking, "masking (fraction of inputs set to 0)")
    if masking >= 1:
        raise ValueError(f"masking is the fraction of inputs set to 0, in [0, 1); got {masking}: "
                         "with 1 nothing of the input is left")
    return masking


class Autoencoder(Model):
    r"""An MLP D -> hidden -> code_size -> reversed(hidden) -> D, trained with target = input.

    Parameters
    ----------
    D : int, inputs (and outputs), e.g. 64 for 8x8 digits
    hidden : sequence of int, the encoder's hidden widths (the decoder mirrors them)
    code_size : int >= 1, units of the code layer z
    rng : numpy.random.Generator: the initial weights and the corruption in training
    activation : f of every hidden layer and of the code, a name of ``activations.ACTIVATIONS``
    linear : True: a linear autoencoder (f = identity and a linear output)
    output : "linear" or "sigmoid" (for inputs in [0, 1])
    noise, masking : corruption of the input in training (a denoising autoencoder):
        Gaussian noise of standard deviation ``noise``, a fraction ``masking`` of inputs set to 0
    l2 : lambda >= 0, weight decay as in :class:`course_lib.mlp.MLP`

    Attributes
    ----------
    mlp : the MLP; params, grads : its parameters "W1", "b1", ... (shared, not copied);
    n_encoder : number of weight layers up to the code (len(hidden) + 1)

    Train it with the course's loop, the input as its own target::

        training.train(ae, X, X, epochs=50, optimizer=optim.Adam(0.01), batch_size=64, rng=rng)
    """

    def __init__(self, D: int, hidden, code_size: int, rng: np.random.Generator, *,
                 activation: str = "tanh", linear: bool = False, output: str = "linear",
                 noise: float = 0.0, masking: float = 0.0, l2: float = 0.0, dtype=np.float64):
        self.rng = check_rng(rng)
        if isinstance(hidden, int | np.integer):
            raise TypeError(f"hidden is a list of widths, one per encoder layer, e.g. [{hidden}]; "
                            f"got the number {hidden}")
        hidden = [check_count(h, "each hidden width") for h in hidden]
        self.code_size = check_count(code_size, "code_size (units of the code z)")
        if output not in OUTPUTS:
            raise ValueError(f"unknown output {output!r}; choose one of: {', '.join(OUTPUTS)}")
        if linear and output != "linear":
            raise ValueError("a linear autoencoder has a linear output; give output='linear' "
                             "or linear=False")
        self.linear = bool(linear)
        self.output = output
        self.noise = check_nonnegative(noise, "noise (standard deviation)")
        self.masking = _check_masking(masking)
        self.mlp = MLP(D, [*hidden, self.code_size, *hidden[::-1]], D,
                       activation="linear" if linear else activation, output="regression",
                       rng=rng, dtype=dtype, l2=l2)
        self.activation = self.mlp.activation
        self.n_encoder = len(hidden) + 1
        self.params, self.grads = self.mlp.params, self.mlp.grads

    @property
    def D(self) -> int:
        r"""Inputs (= outputs)."""
        return self.mlp.sizes[0]

    @property
    def sizes(self) -> list[int]:
        r"""Layer sizes [D, hidden..., code_size, reversed(hidden)..., D]."""
        return list(self.mlp.sizes)

    # --- data --------------------------------------------------------------------------------
    def check_X(self, X) -> np.ndarray:
        r"""X as an array of shape (N, D) in the model's dtype."""
        return self.mlp.check_X(X)

    def check_y(self, y, n: int) -> np.ndarray:
        r"""The target: clean inputs of shape (N, D) (usually X itself)."""
        y = np.asarray(y)
        if y.shape != (n, self.D):
            raise ValueError(f"the target of an autoencoder is the input itself, shape "
                             f"({n}, {self.D}); got shape {y.shape}: pass X as y")
        return self.mlp.check_X(y)

    def check_data(self, X, y=None):
        r"""(X, target) checked; target None means X itself."""
        X = self.check_X(X)
        return X, (X if y is None else self.check_y(y, X.shape[0]))

    # --- forward -----------------------------------------------------------------------------
    def _output(self, net_out) -> np.ndarray:
        return activations.sigmoid(net_out) if self.output == "sigmoid" else net_out

    def encode(self, X) -> np.ndarray:
        r"""The code of every sample: z = f(... f(x W_1 + b_1) ... W_m + b_m), (N, code_size)."""
        o = self.check_X(X)
        for l in range(1, self.n_encoder + 1):
            net, _ = dense_forward(o, self.params[f"W{l}"], self.params[f"b{l}"])
            o = self.mlp.f(net)
        return o

    def decode(self, Z) -> np.ndarray:
        r"""Reconstructions from codes Z (N, code_size): x_hat = g(... f(z W_{m+1} + b_{m+1}) ...).

        Returns x_hat, shape (N, D).
        """
        o = np.asarray(Z, dtype=self.mlp.dtype)
        if o.ndim != 2 or o.shape[1] != self.code_size:
            raise ValueError(f"Z must have shape (N, {self.code_size}), one code per sample; "
                             f"got shape {o.shape}")
        L = self.mlp.n_layers
        for l in range(self.n_encoder + 1, L + 1):
            net, _ = dense_forward(o, self.params[f"W{l}"], self.params[f"b{l}"])
            o = self.mlp.f(net) if l < L else self._output(net)
        return o

    def reconstruct(self, X) -> np.ndarray:
        r"""x_hat = decode(encode(x)), shape (N, D)."""
        return self._output(self.mlp.forward(X))

    # --- loss and gradients ------------------------------------------------------------------
    def _loss(self, net_out, y):
        r"""L = 1/N sum 1/2 ||y - x_hat||^2 and the output delta dL/dnet_out."""
        x_hat = self._output(net_out)
        L, dx_hat = losses.squared_error(x_hat, y)
        if self.output == "sigmoid":
            return L, dx_hat * x_hat * (1 - x_hat)   # delta = -(x - x_hat) x_hat (1 - x_hat) / N
        return L, dx_hat                             # delta = (x_hat - x) / N

    def loss_and_gradients(self, X, y=None, *, training: bool = False):
        r"""Forward, squared error against the target, backpropagation. Returns (L, grads).

        ``y`` is the target (None: X itself). With ``training=True`` and noise or
        masking set, the input is corrupted (:func:`corrupt`, from the model's rng)
        and the target stays clean.
        """
        X, y = self.check_data(X, y)
        if training and (self.noise or self.masking):
            X = corrupt(X, self.rng, self.noise, self.masking)
        L, delta_out = self._loss(self.mlp.forward(X), y)
        grads = self.mlp.backward(delta_out)
        if self.mlp.l2:  # weight decay, as in MLP.loss_and_gradients
            L += regularization.l2_penalty(self.params, self.mlp.l2)
            for name, extra in regularization.l2_gradient(self.params, self.mlp.l2).items():
                grads[name] = grads[name] + extra
        return L, grads

    def evaluate(self, X, y=None) -> tuple[float, None]:
        r"""The reconstruction loss L on clean inputs (no corruption, no penalty); no accuracy."""
        X, y = self.check_data(X, y)
        return self._loss(self.mlp.forward(X), y)[0], None

    def decoder_directions(self) -> np.ndarray:
        r"""A linear autoencoder's decoder as a (D, code_size) matrix: what each code unit adds.

        x_hat = z (W_{m+1} ... W_L) + const, so the columns of (W_{m+1} ... W_L)^T span
        the subspace the reconstructions lie in (compare it with PCA's components).
        """
        if not self.linear:
            raise ValueError("decoder_directions is for a linear autoencoder (linear=True): "
                             "with a nonlinearity the reconstructions fill no subspace")
        M = np.eye(self.code_size)
        for l in range(self.n_encoder + 1, self.mlp.n_layers + 1):
            M = M @ self.params[f"W{l}"]
        return M.T


class PCA(NamedTuple):
    r"""Principal components of centred data.

    mean : (D,); components : (D, k), column i = the i-th principal direction v_i
    (unit length); variances : (k,), the variance of the data along each v_i;
    total_variance : the sum of the variances of all D features.
    """

    mean: np.ndarray
    components: np.ndarray
    variances: np.ndarray
    total_variance: float

    def encode(self, X) -> np.ndarray:
        r"""z = (x - mean) V, shape (N, k)."""
        return (np.asarray(X) - self.mean) @ self.components

    def decode(self, Z) -> np.ndarray:
        r"""x_hat = z V^T + mean, shape (N, D)."""
        return np.asarray(Z) @ self.components.T + self.mean

    def reconstruct(self, X) -> np.ndarray:
        r"""The projection of x onto the first k components: x_hat = (x - mean) V V^T + mean."""
        return self.decode(self.encode(X))


def pca(X, k: int) -> PCA:
    r"""The first k principal components, from the SVD of the centred data.

    X_c = X - mean = U S V^T;  components = the first k columns of V;
    variances = S^2 / (N - 1) for those k.  Signs: each column's largest entry is positive.

    Parameters
    ----------
    X : array, shape (N, D), N >= 2; k : int, 1 <= k <= min(N, D)
    """
    X = as_points(X, "X").astype(np.float64)
    n, D = X.shape
    k = check_count(k, "k (number of components)")
    if n < 2 or k > min(n, D):
        raise ValueError(f"k must be at most min(N, D) = min({n}, {D}) = {min(n, D)} (and N >= 2) "
                         f"for X of shape {X.shape}; got k = {k}")
    mean = X.mean(axis=0)
    _, S, Vt = np.linalg.svd(X - mean, full_matrices=False)
    V = Vt[:k].T
    V = V * np.where(V[np.abs(V).argmax(axis=0), np.arange(k)] < 0, -1.0, 1.0)
    variances = S**2 / (n - 1)
    return PCA(mean, V, variances[:k], float(variances.sum()))


def _orthonormal_basis(A, name: str) -> np.ndarray:
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[1] < 1 or A.shape[1] > A.shape[0]:
        raise ValueError(f"{name} must have shape (D, k) with 1 <= k <= D: k vectors of D "
                         f"numbers as its columns; got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} contains NaN or infinite values")
    U, s, _ = np.linalg.svd(A, full_matrices=False)
    if s[-1] <= 1e-10 * max(s[0], np.finfo(float).tiny):
        raise ValueError(f"the columns of {name} (shape {A.shape}) are linearly dependent: they "
                         "span fewer than k dimensions, so the subspace has no k angles")
    return U


def principal_angles(A, B) -> np.ndarray:
    r"""The principal angles between the column spaces of A (D, k_A) and B (D, k_B), in radians.

    Q_A, Q_B = orthonormal bases of the two column spaces
    cos theta_i = s_i,  the singular values of Q_A^T Q_B  (largest first)
    theta_i = arccos(s_i), from 0 (a shared direction) to pi/2 (orthogonal)

    Returns min(k_A, k_B) angles in increasing order. 0 for all of them: the same
    subspace. (arccos near 1 resolves angles down to about 1e-8 rad.)
    """
    Q_A, Q_B = _orthonormal_basis(A, "A"), _orthonormal_basis(B, "B")
    if Q_A.shape[0] != Q_B.shape[0]:
        raise ValueError(f"A and B must hold vectors of the same length D; got A of shape "
                         f"{np.shape(A)} and B of shape {np.shape(B)}")
    s = np.linalg.svd(Q_A.T @ Q_B, compute_uv=False)
    return np.arccos(np.clip(s, 0.0, 1.0))
