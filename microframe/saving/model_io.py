"""Save and load whole models, and their weights alone."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

import microframe
from microframe.errors import FormatError, MicroframeError, ShapeError
from microframe.layers.base import Array, Layer
from microframe.model import Sequential
from microframe.saving import container, registry
from microframe.saving.encoding import (
    Decoder,
    Encoder,
    construct,
    expect,
    fields,
    object_config,
)
from microframe.saving.random_state import decode_rng_state, encode_rng_state

FORMAT_NAME = "microframe"
FORMAT_VERSION = 1

PathLike = str | os.PathLike[str]


def save_model(
    model: Sequential, path: PathLike, *, include_optimizer: bool = True
) -> None:
    """Write ``model`` to ``path``: architecture, weights and training state.

    The file contains each layer's class and configuration, its parameters and
    non-trainable state, the model's dtype and seed, the number of epochs
    trained, the random generator's state and, when compiled, the loss,
    optimizer (with its state) and metric names. ``load_model`` rebuilds the
    model, and training continues exactly as if it had never stopped.

    Args:
        model: the model to save.
        path: the target file; replaced atomically if it exists.
        include_optimizer: when False, the optimizer and its state are left
            out, which is needed when its learning rate is a plain function.

    Raises:
        UnknownClassError: a layer, loss or optimizer class is not
            registered.
        ConfigurationError: a configuration value cannot be saved.
    """
    encoder = Encoder()
    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "content": "model",
        "microframe_version": microframe.__version__,
        "model": {
            "class": "Sequential",
            "dtype": model.dtype.name,
            "seed": model.seed if isinstance(model.seed, int) else None,
        },
        "layers": [
            _encode_layer(encoder, i, layer) for i, layer in enumerate(model.layers)
        ],
        "training": _encode_training(encoder, model, include_optimizer),
    }
    container.write_archive(path, header, encoder.arrays)


def save_weights(model: Sequential, path: PathLike) -> None:
    """Write only the parameters of ``model`` to ``path``, atomically."""
    encoder = Encoder()
    layers = [
        {"class": type(layer).__name__, "params": _encode_params(encoder, i, layer)}
        for i, layer in enumerate(model.layers)
    ]
    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "content": "weights",
        "microframe_version": microframe.__version__,
        "layers": layers,
    }
    container.write_archive(path, header, encoder.arrays)


def _encode_params(encoder: Encoder, index: int, layer: Layer) -> dict[str, Any]:
    return encoder.encode_dict(dict(layer.params), f"layer {index} params")


def _encode_layer(encoder: Encoder, index: int, layer: Layer) -> dict[str, Any]:
    where = f"layer {index} ({layer.name})"
    return {
        "class": registry.name_of(layer),
        "config": encoder.encode_dict(layer.get_config(), f"{where} config"),
        "params": _encode_params(encoder, index, layer),
        "state": encoder.encode_dict(layer.get_state(), f"{where} state"),
    }


def _encode_training(
    encoder: Encoder, model: Sequential, include_optimizer: bool
) -> dict[str, Any]:
    optimizer = model.optimizer if include_optimizer else None
    optimizer_entry = None
    if optimizer is not None:
        optimizer_entry = {
            "class": registry.name_of(optimizer),
            "config": encoder.encode_dict(object_config(optimizer), "optimizer"),
            "state": encoder.encode_dict(optimizer.get_state(), "optimizer state"),
        }
    loss_entry = None
    if model.loss is not None:
        loss_entry = {
            "class": registry.name_of(model.loss),
            "config": encoder.encode_dict(object_config(model.loss), "loss"),
        }
    return {
        "epochs_trained": model.epochs_trained,
        "random_state": encode_rng_state(model.rng),
        "loss": loss_entry,
        "optimizer": optimizer_entry,
        "metrics": encoder.encode(list(model.metrics), "metrics"),
    }


def load_model(source: container.Source) -> Sequential:
    """Rebuild the model saved at ``source`` (a path or a binary file object).

    Classes are found only among the registered ones; nothing named in the
    file is imported or called.

    Raises:
        FormatError: the file is truncated, corrupt, hostile, from a newer
            format version, or contains weights only.
        UnknownClassError: the file names a class that is not registered.
        FileNotFoundError: ``source`` does not exist.
    """
    header, arrays = container.read_archive(source)
    _check_format(header, "model")
    fields(
        header,
        {"format", "format_version", "content", "microframe_version"}
        | {"model", "layers", "training", "arrays"},
        "the header",
    )
    decoder = Decoder(arrays)
    entries = expect(header["layers"], list, "layers")
    model = _build_model(decoder, header["model"], entries)

    params = [_decode_params(decoder, i, entry) for i, entry in enumerate(entries)]
    _assign_params(model, params, "load")
    for index, (layer, entry) in enumerate(zip(model.layers, entries, strict=True)):
        state = decoder.decode_dict(entry["state"], f"layer {index} state")
        _call_checked(layer.set_state, state, f"layer {index} ({layer.name}) state")
    _restore_training(decoder, model, expect(header["training"], dict, "training"))
    return model


def _build_model(decoder: Decoder, entry: Any, layer_entries: list[Any]) -> Sequential:
    """Create the model and its layers from their configurations."""
    expect(entry, dict, "model")
    fields(entry, {"class", "dtype", "seed"}, "model")
    if entry["class"] != "Sequential":
        raise FormatError(
            f"load: the model class is {str(entry['class'])[:40]!r}; only "
            "'Sequential' is supported."
        )
    dtype = _decode_dtype(entry["dtype"])
    seed = entry["seed"]
    if seed is not None and type(seed) is not int:
        raise FormatError("load: the model seed must be an integer or null.")

    layers = [_build_layer(decoder, i, item) for i, item in enumerate(layer_entries)]
    # NOTE: building draws each layer's initial weights at the size its
    # configuration names, before the file's arrays are compared with them.
    # So a hostile configuration that names a huge layer makes this step
    # allocate it. A size beyond the machine's memory raises MemoryError,
    # which is reported as a FormatError.
    try:
        return Sequential(layers, seed=seed, dtype=dtype)
    except (MicroframeError, TypeError, ValueError) as error:
        raise FormatError(f"load: the model could not be built: {error}") from error
    except MemoryError as error:
        raise FormatError(
            "load: the layer configurations describe more parameters than fit "
            "in memory; the file is corrupt or hostile."
        ) from error


def load_weights(model: Sequential, source: container.Source) -> None:
    """Set the parameters of ``model`` from a weights file or a model file.

    Every layer's parameter names and shapes are checked before any is
    changed, and the first mismatch is named in the error.

    Raises:
        ShapeError: the file's layers or parameters differ from the model's.
        FormatError: the file is truncated, corrupt or hostile.
    """
    header, arrays = container.read_archive(source)
    _check_format(header, None)
    decoder = Decoder(arrays)
    entries = expect(header.get("layers"), list, "layers")
    params = [_decode_params(decoder, i, entry) for i, entry in enumerate(entries)]
    _assign_params(model, params, "load_weights")


def _check_format(header: dict[str, Any], content: str | None) -> None:
    if header.get("format") != FORMAT_NAME:
        raise FormatError(
            "load: the header does not name the microframe format, so the file "
            "was not written by microframe."
        )
    version = header.get("format_version")
    if type(version) is not int or version < 1:
        raise FormatError("load: the header has no valid format_version.")
    if version > FORMAT_VERSION:
        written_by = str(header.get("microframe_version"))[:40]
        raise FormatError(
            f"load: the file uses format version {version}, but this microframe "
            f"({microframe.__version__}) reads versions up to {FORMAT_VERSION}; "
            f"upgrade microframe (the file was written by version {written_by})."
        )
    found = header.get("content")
    if found not in ("model", "weights"):
        raise FormatError(f"load: unknown file content {str(found)[:40]!r}.")
    if content is not None and found != content:
        raise FormatError(
            "load_model: the file contains weights only, written by save_weights; "
            "build the model in code and call model.load_weights(path)."
        )


def _decode_dtype(value: Any) -> np.dtype[Any]:
    if value not in ("float16", "float32", "float64"):
        raise FormatError(
            f"load: the model dtype {str(value)[:40]!r} is not one of float16, "
            "float32, float64."
        )
    dtype: np.dtype[Any] = np.dtype(value)
    return dtype


def _build_layer(decoder: Decoder, index: int, entry: Any) -> Layer:
    where = f"layer {index}"
    expect(entry, dict, where)
    fields(entry, {"class", "config", "params", "state"}, where)
    cls = registry.lookup("layer", entry["class"])
    config = decoder.decode_dict(entry["config"], f"{where} config")
    layer = construct(cls, config, f"{where} ({cls.__name__})")
    if not isinstance(layer, Layer):
        raise FormatError(
            f"load: {where}: {cls.__name__}.from_config returned a "
            f"{type(layer).__name__}, not a Layer."
        )
    return layer


def _decode_params(decoder: Decoder, index: int, entry: Any) -> dict[str, Array]:
    where = f"layer {index} params"
    expect(entry, dict, f"layer {index}")
    values = decoder.decode_dict(entry.get("params"), where)
    for name, value in values.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise FormatError(
                f"load: {where}[{name!r}] must be a floating-point array."
            )
    return values


def _assign_params(
    model: Sequential, params: list[dict[str, Array]], caller: str
) -> None:
    if len(params) != len(model.layers):
        raise ShapeError(
            f"{caller}: the file has {len(params)} layers but the model has "
            f"{len(model.layers)}; build the model with the architecture that "
            "was saved."
        )
    for index, (layer, values) in enumerate(zip(model.layers, params, strict=True)):
        if set(values) != set(layer.params):
            raise ShapeError(
                f"{caller}: layer {index} ({layer.name}) has the parameters "
                f"{sorted(layer.params)}, but the file has {sorted(values)}."
            )
        for name, value in values.items():
            expected = layer.params[name].shape
            if value.shape != expected:
                raise ShapeError(
                    f"{caller}: layer {index} ({layer.name}) parameter {name!r} "
                    f"has shape {expected} in the model but {value.shape} in "
                    "the file; build the model with the architecture that was "
                    "saved."
                )
    for layer, values in zip(model.layers, params, strict=True):
        for name, value in values.items():
            layer.params[name] = value


def _call_checked(method: Any, value: Any, where: str) -> None:
    try:
        method(value)
    except FormatError:
        raise
    except (MicroframeError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise FormatError(f"load: {where} could not be restored: {error}") from error


def _restore_training(
    decoder: Decoder, model: Sequential, training: dict[str, Any]
) -> None:
    fields(
        training,
        {"epochs_trained", "random_state", "loss", "optimizer", "metrics"},
        "training",
    )
    epochs = training["epochs_trained"]
    if type(epochs) is not int or epochs < 0:
        raise FormatError("load: epochs_trained must be a non-negative integer.")
    model.epochs_trained = epochs
    model.rng = decode_rng_state(training["random_state"])
    for layer in model.layers:
        layer.rng = model.rng

    loss = training["loss"]
    if loss is not None:
        expect(loss, dict, "training loss")
        fields(loss, {"class", "config"}, "training loss")
        cls = registry.lookup("loss", loss["class"])
        config = decoder.decode_dict(loss["config"], "loss config")
        model.loss = construct(cls, config, "the loss")

    optimizer = training["optimizer"]
    if optimizer is not None:
        model.optimizer = _decode_optimizer(decoder, model, optimizer)

    metrics = decoder.decode(training["metrics"], "metrics")
    valid = isinstance(metrics, list) and all(
        isinstance(m, (str, microframe.metrics.Metric)) for m in metrics
    )
    if not valid:
        raise FormatError("load: metrics must be a list of names or metric objects.")
    model.metrics = [microframe.metrics.get(m) for m in metrics]


def _decode_optimizer(decoder: Decoder, model: Sequential, entry: Any) -> Any:
    expect(entry, dict, "training optimizer")
    fields(entry, {"class", "config", "state"}, "training optimizer")
    cls = registry.lookup("optimizer", entry["class"])
    config = decoder.decode_dict(entry["config"], "optimizer config")
    optimizer = construct(cls, config, "the optimizer")
    state = decoder.decode_dict(entry["state"], "optimizer state")
    _check_slots(model, state.get("state"))
    _call_checked(optimizer.set_state, state, "the optimizer state")
    return optimizer


def _check_slots(model: Sequential, slots: Any) -> None:
    """Check that each optimizer slot matches the parameter it belongs to.

    Optimizers key their state ``"<layer index>.<parameter name>"``; a slot
    of another shape would broadcast silently in the next update.
    """
    if slots is None:
        return
    expect(slots, dict, "optimizer state")
    shapes = {
        f"{index}.{name}": param.shape
        for index, layer in enumerate(model.layers)
        for name, param in layer.params.items()
    }
    for key, values in slots.items():
        if key not in shapes:
            raise FormatError(
                f"load: the optimizer state has the key {key[:80]!r}, which "
                "names no parameter of the model."
            )
        expect(values, dict, f"optimizer state[{key!r}]")
        for slot, value in values.items():
            if not isinstance(value, np.ndarray) or value.shape != shapes[key]:
                raise FormatError(
                    f"load: the optimizer slot {key}.{slot} must be an array of "
                    f"shape {shapes[key]}."
                )
