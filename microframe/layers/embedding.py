"""``Embedding``: a trainable lookup table from integer ids to vectors."""

from __future__ import annotations

import numpy as np

from microframe import initializers
from microframe._validation import check_positive_int
from microframe.errors import InputTypeError, InputValueError
from microframe.layers.base import Array, Layer


class Embedding(Layer):
    """Map each integer id to a row of ``weight``: ``y = weight[x]``.

    The input contains indices, not values, so it has no gradient: ``backward``
    returns zeros of the input's shape, which lets the layer sit first in a
    ``Sequential``. Because ``Sequential`` casts its input to float,
    floats that are whole numbers are accepted as ids too.

    Args:
        num_embeddings: size of the vocabulary; ids lie in
            ``[0, num_embeddings)``.
        embedding_dim: length of each vector, ``E``.
        embeddings_initializer: initialiser for ``weight``; uniform on
            ``[-0.05, 0.05]`` by default, as in Keras.

    Attributes:
        params["weight"]: ``(num_embeddings, E)``.

    Example:
        >>> layer = Embedding(10, 4)
        >>> layer.forward(np.array([[1, 2, 2]])).shape
        (1, 3, 4)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        *,
        embeddings_initializer: str | initializers.Initializer = "random_uniform",
    ) -> None:
        super().__init__()
        self.num_embeddings = check_positive_int(
            num_embeddings, "Embedding num_embeddings"
        )
        self.embedding_dim = check_positive_int(
            embedding_dim, "Embedding embedding_dim"
        )
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self._ids: Array | None = None
        self._in_shape: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"

    def __repr__(self) -> str:
        return self.name

    def init_params(self, rng: np.random.Generator) -> None:
        shape = (self.num_embeddings, self.embedding_dim)
        self.params["weight"] = self.embeddings_initializer(shape, rng, self.dtype)

    def _checked_ids(self, x: Array) -> Array:
        if x.dtype.kind == "f":
            whole = np.isfinite(x) & (x == np.round(x))
            if not whole.all():
                bad = x[~whole].flat[0]
                raise InputValueError(
                    f"{self.name}.forward: expected integer ids, got the "
                    f"non-integer value {bad}; pass token ids such as "
                    "np.array([[3, 1, 4]])."
                )
        elif x.dtype.kind not in "iu":
            raise InputTypeError(
                f"{self.name}.forward: expected an integer array of ids, got "
                f"dtype {x.dtype}; convert with x.astype(np.int64)."
            )
        ids = x.astype(np.intp)
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_embeddings):
            bad_id = ids.min() if ids.min() < 0 else ids.max()
            raise InputValueError(
                f"{self.name}.forward: expected ids in [0, "
                f"{self.num_embeddings}), got {bad_id}; raise num_embeddings "
                "or map unknown tokens to a reserved id."
            )
        return ids

    def forward(self, x: Array, training: bool = False) -> Array:
        """Look up the vector of every id.

        Shapes:
            x: ``(N, ...)`` of ids. Returns ``(N, ..., E)``.
        """
        self.ensure_built()
        self._ids = self._checked_ids(np.asarray(x))
        self._in_shape = self._ids.shape
        result: Array = self.params["weight"][self._ids]
        return result

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads["weight"]`` and return zeros for the input.

        ``grads["weight"][k]`` is the sum of ``grad_output`` over every
        position whose id is ``k``, so repeated ids add up (``np.add.at``).

        Shapes:
            grad_output: ``(N, ..., E)``. Returns ``(N, ...)``.
        """
        ids = self._cached(self._ids)
        self._check_grad_shape(grad_output, (*self._in_shape, self.embedding_dim))
        grad = np.zeros_like(self.params["weight"])
        np.add.at(grad, ids.ravel(), grad_output.reshape(-1, self.embedding_dim))
        self.grads["weight"] = grad
        return np.zeros(self._in_shape, dtype=self.dtype)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        return (*input_shape, self.embedding_dim)
