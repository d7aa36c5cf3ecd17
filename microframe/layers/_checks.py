"""Shape checks shared by the layers that expect a fixed input rank."""

from __future__ import annotations

from microframe.errors import ShapeError
from microframe.layers.base import Array


def check_input(
    owner: str, x: Array, layout: tuple[str, ...], last: int | None, fix: str
) -> None:
    """Raise ``ShapeError`` unless ``x`` has ``len(layout)`` axes and ``last`` last.

    Args:
        owner: the layer's name, for the message.
        x: the input of ``forward``.
        layout: axis names such as ``("N", "H", "W", "C_in")``.
        last: required size of the last axis; ``None`` accepts any size.
        fix: what the caller should do, appended to the message.
    """
    rank_ok = x.ndim == len(layout)
    if rank_ok and (last is None or x.shape[-1] == last):
        return
    shown = list(layout)
    if last is not None:
        shown[-1] = f"{layout[-1]}={last}"
    raise ShapeError(
        f"{owner}.forward: expected input of shape ({', '.join(shown)}), got "
        f"{x.shape}; {fix}."
    )
