"""PyTorch modules that reproduce microframe behaviour PyTorch lacks.

Imported only by the converters, after ``torch`` is known to be installed.
microframe keeps channels last (``(N, H, W, C)``, ``(N, L, C)``) while
PyTorch's convolution and pooling take channels first, so ``ChannelsLast``
wraps such a module and moves the channel axis around it. The model built
by ``to_torch`` therefore takes the same arrays as the microframe model.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from microframe.layers._windows import PaddingSpec, resolve_padding


class ChannelsLast(nn.Module):
    """Run ``module`` on channels-first data inside a channels-last model.

    ``(N, H, W, C)`` is permuted to ``(N, C, H, W)`` and ``(N, L, C)`` to
    ``(N, C, L)``, then the output is permuted back.

    Args:
        module: a module that takes and returns channels-first tensors.
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shapes: x ``(N, ..., C)``. Returns ``(N, ..., C_out)``."""
        last = x.ndim - 1
        moved = x.permute(0, last, *range(1, last))
        y: torch.Tensor = self.module(moved)
        return y.permute(0, *range(2, y.ndim), 1)


class WindowPadding(nn.Module):
    """Pad the spatial axes of a channels-first tensor as microframe does.

    For ``"same"`` the padding depends on the input size when the stride is
    above 1, so it is worked out on every call. The odd pixel goes after the
    input, as in Keras. ``nn.Conv2d(padding="same")`` rejects strides above 1,
    so it cannot be used here.

    Args:
        padding: ``"same"``, ``"valid"`` or an int for every side.
        kernel, stride, dilation: one entry per spatial axis.
        value: the padding value: 0 for convolution, ``-inf`` for max pooling.
    """

    def __init__(
        self,
        padding: PaddingSpec,
        kernel: tuple[int, ...],
        stride: tuple[int, ...],
        dilation: tuple[int, ...],
        value: float = 0.0,
    ) -> None:
        super().__init__()
        self.padding = padding
        self.kernel, self.stride, self.dilation = kernel, stride, dilation
        self.value = value

    def pads(self, sizes: tuple[int, ...]) -> list[int]:
        """Return ``functional.pad``'s list: last axis first, before then after."""
        result: list[int] = []
        axes = zip(sizes, self.kernel, self.stride, self.dilation, strict=True)
        for size, k, s, d in reversed(list(axes)):
            result += resolve_padding(self.padding, size, k, s, d)
        return result

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shapes: x ``(N, C, *spatial)``. Returns the padded tensor."""
        pads = self.pads(tuple(x.shape[2:]))
        if not any(pads):
            return x
        return functional.pad(x, pads, value=self.value)


class MaskedAvgPool(nn.Module):
    """Average pooling that leaves padded positions out of each mean.

    ``y = sum_pool(pad(x)) / sum_pool(pad(ones))``, computed with average
    pooling of both, whose common window size cancels. This matches
    microframe's ``AvgPool2D`` for any padding, including uneven ``"same"``.

    Args:
        padding: a ``WindowPadding`` module with value 0.
        pool: an ``nn.AvgPool2d`` without padding of its own.
    """

    def __init__(self, padding: WindowPadding, pool: nn.AvgPool2d) -> None:
        super().__init__()
        self.padding = padding
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shapes: x ``(N, C, H, W)``. Returns ``(N, C, OH, OW)``."""
        ones = torch.ones_like(x[:1, :1])
        sums = self.pool(self.padding(x))
        counts = self.pool(self.padding(ones))
        result: torch.Tensor = sums / counts
        return result


class LastAxisBatchNorm(nn.BatchNorm1d):
    """Batch normalisation over every axis but the last, as microframe's.

    The input is viewed as ``(M, C)`` with ``M`` the product of the other
    axes, so one module serves ``(N, C)``, ``(N, L, C)`` and ``(N, H, W, C)``.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shapes: x ``(N, ..., C)``. Returns the same shape."""
        flat = x.reshape(-1, x.shape[-1])
        y: torch.Tensor = super().forward(flat)
        return y.reshape(x.shape)


class Reshape(nn.Module):
    """Reshape each sample to ``shape``, keeping the batch axis.

    Args:
        shape: the sample shape; one entry may be -1.
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = tuple(shape)

    def extra_repr(self) -> str:
        return f"shape={self.shape}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Shapes: x ``(N, ...)``. Returns ``(N, *shape)``."""
        return x.reshape(x.shape[0], *self.shape)
