from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from saving_helpers import edit_header, save_bytes, trained_model, xor_data

import microframe
from microframe import (
    SGD,
    Dense,
    Layer,
    LeakyReLU,
    Sequential,
    Sigmoid,
    load_model,
    register_layer,
)
from microframe.errors import (
    ConfigurationError,
    FormatError,
    ShapeError,
    UnknownClassError,
)
from microframe.layers.base import Array
from microframe.saving import container, registry, unregister
from microframe.saving.encoding import Decoder, Encoder


def assert_same_weights(a: Sequential, b: Sequential) -> None:
    for layer_a, layer_b in zip(a.layers, b.layers, strict=True):
        assert sorted(layer_a.params) == sorted(layer_b.params)
        for key in layer_a.params:
            assert layer_a.params[key].dtype == layer_b.params[key].dtype
            np.testing.assert_array_equal(layer_a.params[key], layer_b.params[key])


def test_round_trip_keeps_weights(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert_same_weights(model, loaded)


def test_round_trip_keeps_architecture(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert repr(loaded) == repr(model)
    assert loaded.dtype == model.dtype
    assert loaded.seed == model.seed


def test_round_trip_keeps_training_state(tmp_path: Path) -> None:
    model = trained_model(epochs=2)
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert loaded.epochs_trained == 2
    assert repr(loaded.loss) == repr(model.loss)
    assert repr(loaded.optimizer) == repr(model.optimizer)
    assert loaded.metrics == ["accuracy"]
    assert loaded.rng.bit_generator.state == model.rng.bit_generator.state


def test_round_trip_keeps_optimizer_slots(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert model.optimizer is not None and loaded.optimizer is not None
    before = model.optimizer.get_state()
    after = loaded.optimizer.get_state()
    assert after["iterations"] == before["iterations"] == 5
    assert sorted(after["state"]) == ["0.bias", "0.weight", "3.bias", "3.weight"]
    for key, slots in before["state"].items():
        for slot, value in slots.items():
            np.testing.assert_array_equal(after["state"][key][slot], value)


def test_layers_share_loaded_generator(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert all(layer.rng is loaded.rng for layer in loaded.layers)


def test_uncompiled_model_round_trips(tmp_path: Path) -> None:
    model = Sequential([Dense(3, 2)], seed=None, dtype=np.float64)
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    assert loaded.loss is None
    assert loaded.optimizer is None
    assert loaded.seed is None
    assert loaded.dtype == np.float64
    assert_same_weights(model, loaded)


def test_save_without_optimizer(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz", include_optimizer=False)
    loaded = load_model(tmp_path / "m.mfz")
    assert loaded.optimizer is None
    assert repr(loaded.loss) == repr(model.loss)


def test_schedule_function_needs_include_optimizer(tmp_path: Path) -> None:
    model = Sequential([Dense(2, 1)])
    model.compile(loss="mse", optimizer=SGD(learning_rate=lambda step: 0.1))
    with pytest.raises(ConfigurationError, match="cannot be saved"):
        model.save(tmp_path / "m.mfz")
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize(
    "value",
    [float("inf"), -float("inf"), (1, [2.5, None]), {"a": (True, "b")}, [], ()],
)
def test_config_value_round_trips(value: Any) -> None:
    encoded = Encoder().encode(value, "value")
    text = json.dumps(encoded, allow_nan=False)
    assert Decoder([]).decode(json.loads(text), "value") == value


def test_nan_config_value_round_trips() -> None:
    encoded = Encoder().encode(float("nan"), "value")
    assert encoded == {"type": "float", "value": "nan"}
    assert np.isnan(Decoder([]).decode(encoded, "value"))


def test_file_object_source(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    with open(tmp_path / "m.mfz", "rb") as stream:
        loaded = load_model(stream)
    assert_same_weights(model, loaded)


def test_file_is_reproducible(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "a.mfz")
    model.save(tmp_path / "b.mfz")
    assert (tmp_path / "a.mfz").read_bytes() == (tmp_path / "b.mfz").read_bytes()


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.mfz")


# -- every built-in layer ------------------------------------------------

# One example per public Layer subclass: a factory and an input shape.
LAYER_EXAMPLES: dict[str, tuple[Callable[[], Layer], tuple[int, ...]]] = {
    "Dense": (lambda: Dense(3, 2, use_bias=False), (4, 3)),
    "Dropout": (lambda: microframe.Dropout(0.3), (4, 3)),
    "Identity": (microframe.Identity, (4, 3)),
    "LeakyReLU": (lambda: LeakyReLU(0.2), (4, 3)),
    "ReLU": (microframe.ReLU, (4, 3)),
    "Sigmoid": (Sigmoid, (4, 3)),
    "Softmax": (microframe.Softmax, (4, 3)),
    "Tanh": (microframe.Tanh, (4, 3)),
}
# Base classes meant for subclassing, not for use in a model.
ABSTRACT_LAYERS = {"Layer", "Activation"}


def public_layer_names() -> list[str]:
    return sorted(set(registry.builtin_classes("layer")) - ABSTRACT_LAYERS)


def test_every_layer_has_example() -> None:
    missing = sorted(set(public_layer_names()) - set(LAYER_EXAMPLES))
    assert missing == [], f"add an example to LAYER_EXAMPLES for {missing}"


@pytest.mark.parametrize("name", public_layer_names())
def test_builtin_layer_round_trips(name: str, tmp_path: Path) -> None:
    factory, input_shape = LAYER_EXAMPLES[name]
    model = Sequential([factory()], seed=1, dtype=np.float64)
    x = np.random.default_rng(2).standard_normal(input_shape)
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    layer, restored = model.layers[0], loaded.layers[0]
    assert type(restored) is type(layer)
    assert Encoder().encode_dict(restored.get_config(), "") == Encoder().encode_dict(
        layer.get_config(), ""
    )
    assert_same_weights(model, loaded)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


# -- weights alone -------------------------------------------------------


def test_weights_round_trip(tmp_path: Path) -> None:
    model = trained_model()
    model.save_weights(tmp_path / "w.mfz")
    fresh = Sequential(
        [Dense(2, 4), microframe.ReLU(), microframe.Dropout(0.25), Dense(4, 1)]
        + [Sigmoid()],
        seed=99,
    )
    fresh.load_weights(tmp_path / "w.mfz")
    assert_same_weights(model, fresh)


def test_weights_load_from_model_file(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    fresh = trained_model(epochs=0)
    fresh.load_weights(tmp_path / "m.mfz")
    assert_same_weights(model, fresh)


def test_weights_mismatch_names_parameter(tmp_path: Path) -> None:
    Sequential([Dense(2, 4), Dense(4, 1)]).save_weights(tmp_path / "w.mfz")
    other = Sequential([Dense(2, 4), Dense(4, 3)])
    before = other.get_weights()
    message = r"layer 1 \(Dense\(4 -> 3\)\) parameter 'weight' has shape \(4, 3\)"
    with pytest.raises(ShapeError, match=message):
        other.load_weights(tmp_path / "w.mfz")
    np.testing.assert_array_equal(other.layers[0].params["weight"], before[0]["weight"])


def test_weights_layer_count_mismatch(tmp_path: Path) -> None:
    Sequential([Dense(2, 4)]).save_weights(tmp_path / "w.mfz")
    with pytest.raises(ShapeError, match="the file has 1 layers but the model has 2"):
        Sequential([Dense(2, 4), Dense(4, 1)]).load_weights(tmp_path / "w.mfz")


def test_weights_missing_parameter(tmp_path: Path) -> None:
    Sequential([Dense(2, 4, use_bias=False)]).save_weights(tmp_path / "w.mfz")
    with pytest.raises(ShapeError, match=r"\['bias', 'weight'\], but the file"):
        Sequential([Dense(2, 4)]).load_weights(tmp_path / "w.mfz")


def test_load_model_rejects_weights_file(tmp_path: Path) -> None:
    Sequential([Dense(2, 4)]).save_weights(tmp_path / "w.mfz")
    with pytest.raises(FormatError, match="holds weights only"):
        load_model(tmp_path / "w.mfz")


# -- custom layers -------------------------------------------------------


class Scale(Layer):
    """Multiplies by a learned vector and a fixed factor; counts its calls."""

    def __init__(self, features: int, factor: float = 2.0) -> None:
        super().__init__()
        self.features = features
        self.factor = factor
        self.calls = np.zeros((), dtype=np.int64)

    def init_params(self, rng: np.random.Generator) -> None:
        self.params["scale"] = rng.standard_normal(self.features)

    def forward(self, x: Array, training: bool = False) -> Array:
        self.calls += 1
        result: Array = x * self.params["scale"] * self.factor
        return result

    def get_state(self) -> dict[str, Array]:
        return {"calls": self.calls.copy()}

    def set_state(self, state: dict[str, Array]) -> None:
        self.calls = np.array(state["calls"], dtype=np.int64)


@pytest.fixture
def scale_registered() -> Iterator[type[Scale]]:
    register_layer(Scale)
    yield Scale
    unregister(Scale)


def test_custom_layer_round_trips(
    scale_registered: type[Scale], tmp_path: Path
) -> None:
    model = Sequential([Dense(2, 3), scale_registered(3, factor=0.5)], seed=0)
    model.predict(np.ones((2, 2)))
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    restored = loaded.layers[1]
    assert isinstance(restored, Scale)
    assert restored.get_config() == {"features": 3, "factor": 0.5}
    assert int(restored.calls) == 1
    assert_same_weights(model, loaded)


def test_custom_layer_unregistered_save(tmp_path: Path) -> None:
    model = Sequential([Scale(2)])
    with pytest.raises(UnknownClassError, match=r"@microframe\.register_layer"):
        model.save(tmp_path / "m.mfz")


def test_unknown_class_lists_registered(
    scale_registered: type[Scale], tmp_path: Path
) -> None:
    data = save_bytes(Sequential([scale_registered(2)]), tmp_path)
    unregister(Scale)
    with pytest.raises(UnknownClassError) as raised:
        load_model(_as_file(tmp_path, data))
    message = str(raised.value)
    assert "'Scale', which is not registered" in message
    assert "'Dense'" in message
    assert "decorate it with @microframe.register_layer" in message


def test_register_layer_with_name(tmp_path: Path) -> None:
    decorate = register_layer(name="tests.Scale")
    decorate(Scale)
    try:
        Sequential([Scale(2)]).save(tmp_path / "m.mfz")
        loaded = load_model(tmp_path / "m.mfz")
    finally:
        unregister(Scale)
    assert isinstance(loaded.layers[0], Scale)


def test_register_rejects_taken_name() -> None:
    class Dense(Layer):
        pass

    with pytest.raises(ConfigurationError, match="already belongs to"):
        register_layer(Dense)


def test_register_layer_rejects_loss() -> None:
    with pytest.raises(ConfigurationError, match="expected a Layer subclass"):
        register_layer(microframe.MeanSquaredError)


def test_default_config_needs_attributes() -> None:
    class Renamed(Layer):
        def __init__(self, size: int) -> None:
            super().__init__()
            self.width = size

    with pytest.raises(ConfigurationError, match="expected an attribute 'size'"):
        Renamed(3).get_config()


def test_default_set_state_rejects_state() -> None:
    with pytest.raises(FormatError, match="no non-trainable state"):
        Dense(2, 2).set_state({"running_mean": np.zeros(2)})


# -- versions and hostile headers ----------------------------------------


def _as_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "edited.mfz"
    path.write_bytes(data)
    return path


def _edited(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    data = save_bytes(trained_model(), tmp_path)
    return _as_file(tmp_path, edit_header(data, edit))


def test_newer_format_version(tmp_path: Path) -> None:
    def bump(header: dict[str, Any]) -> None:
        header["format_version"] = 2

    with pytest.raises(FormatError, match=r"format version 2\b.*up to 1; upgrade"):
        load_model(_edited(tmp_path, bump))


def test_config_naming_os_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))

    def hostile(header: dict[str, Any]) -> None:
        header["layers"][0]["class"] = "os.system"
        header["layers"][0]["config"] = {"command": "touch pwned"}

    with pytest.raises(UnknownClassError, match=r"'os\.system', which is not"):
        load_model(_edited(tmp_path, hostile))
    assert calls == []


def test_initializer_naming_os_system(tmp_path: Path) -> None:
    def hostile(header: dict[str, Any]) -> None:
        config = header["layers"][0]["config"]
        config["kernel_initializer"]["class"] = "system"
        config["kernel_initializer"]["kind"] = "os"

    with pytest.raises(FormatError, match="unknown kind 'os'"):
        load_model(_edited(tmp_path, hostile))


def test_wrong_parameter_shape(tmp_path: Path) -> None:
    def widen(header: dict[str, Any]) -> None:
        header["layers"][0]["config"]["out_features"] = 5

    with pytest.raises(ShapeError, match="parameter 'weight' has shape \\(2, 5\\)"):
        load_model(_edited(tmp_path, widen))


def test_bad_constructor_arguments(tmp_path: Path) -> None:
    def extra(header: dict[str, Any]) -> None:
        header["layers"][0]["config"]["units"] = 3

    with pytest.raises(FormatError, match="could not be rebuilt"):
        load_model(_edited(tmp_path, extra))


def test_invalid_constructor_value(tmp_path: Path) -> None:
    def negative(header: dict[str, Any]) -> None:
        header["layers"][2]["config"]["rate"] = 7.0

    with pytest.raises(FormatError, match="Dropout rate"):
        load_model(_edited(tmp_path, negative))


def test_optimizer_slot_shape_checked(tmp_path: Path) -> None:
    def swap(header: dict[str, Any]) -> None:
        slots = header["training"]["optimizer"]["state"]["state"]["items"]
        slots["0.weight"]["items"]["m"] = slots["0.bias"]["items"]["m"]

    with pytest.raises(FormatError, match=r"slot 0.weight.m must be an array"):
        load_model(_edited(tmp_path, swap))


def test_random_state_range_checked(tmp_path: Path) -> None:
    def overflow(header: dict[str, Any]) -> None:
        header["training"]["random_state"]["state"] = 2**130

    with pytest.raises(FormatError, match="'state' must be an integer"):
        load_model(_edited(tmp_path, overflow))


def test_nan_constant_rejected(tmp_path: Path) -> None:
    def nan(header: dict[str, Any]) -> None:
        header["training"]["epochs_trained"] = float("nan")

    with pytest.raises(FormatError, match="non-standard JSON constant NaN"):
        load_model(_edited(tmp_path, nan))


def test_deep_nesting_rejected(tmp_path: Path) -> None:
    def nest(header: dict[str, Any]) -> None:
        value: Any = 1
        for _ in range(100):
            value = [value]
        header["layers"][2]["config"]["rate"] = value

    with pytest.raises(FormatError, match="nested deeper than 32"):
        load_model(_edited(tmp_path, nest))


def test_header_written_as_compact_json(tmp_path: Path) -> None:
    data = save_bytes(trained_model(), tmp_path)
    from saving_helpers import read_members

    header = json.loads(read_members(data)["microframe.json"])
    assert header["format"] == "microframe"
    assert header["format_version"] == container_version()
    assert header["arrays"][0] == {
        "member": "arrays/0.npy",
        "dtype": "<f4",
        "shape": [2, 4],
    }


def container_version() -> int:
    from microframe.saving import FORMAT_VERSION

    return FORMAT_VERSION


def test_atomic_file_failure_keeps_target(tmp_path: Path) -> None:
    target = tmp_path / "m.mfz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), container.atomic_file(target) as stream:
        stream.write(b"new")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.mfz"]


def test_save_creates_world_readable_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    Sequential([Dense(2, 1)]).save(tmp_path / "m.mfz")
    mode = (tmp_path / "m.mfz").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask


def test_fit_after_load_continues(tmp_path: Path) -> None:
    model = trained_model()
    model.save(tmp_path / "m.mfz")
    loaded = load_model(tmp_path / "m.mfz")
    x, y = xor_data()
    history = loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert history.epoch == [1]
