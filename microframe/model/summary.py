"""The text table of ``Sequential.summary``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from microframe._input_shape import check_input_shape

if TYPE_CHECKING:
    from microframe.model.sequential import Sequential


def summarize(
    model: Sequential, input_shape: tuple[int | None, ...] | None = None
) -> str:
    """Return a table of the layers, their output shapes and parameter counts.

    Args:
        input_shape: shape of one input batch, such as ``(None, 8, 8, 1)``.
            Needed for output shapes when the first layer has no
            ``in_features`` (convolution, recurrent, embedding); the
            shapes show as ``?`` without it.

    Raises:
        ShapeError: when a batch of ``input_shape`` cannot pass the
            layers, such as a kernel larger than the image or a shape
            without the batch axis.
    """
    first = model.layers[0] if model.layers else None
    in_features = getattr(first, "in_features", None)
    shape: tuple[int | None, ...] | None = (
        (None, in_features) if in_features is not None else input_shape
    )
    if in_features is None and input_shape is not None:
        hint = "it includes the batch axis, such as (None, 28, 28, 1)"
        check_input_shape(
            model.layers, tuple(input_shape), model.dtype, "summary", hint
        )
    rows = [("Layer", "Output shape", "Params")]
    for index, layer in enumerate(model.layers):
        if shape is not None:
            shape = layer.compute_output_shape(shape)
        shown = "?" if shape is None else str(shape).replace("None", "N")
        rows.append((f"{index}: {layer.name}", shown, str(layer.count_params())))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows
    ]
    rule = "-" * len(lines[0])
    total = f"Total params: {model.count_params()}"
    return "\n".join([lines[0], rule, *lines[1:], rule, total])
