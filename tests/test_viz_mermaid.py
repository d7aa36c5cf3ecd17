"""Mermaid diagrams drawn from the live model."""

import re

import numpy as np
import pytest
from test_exercise import build_exercise_model

from microframe import Conv2D, Dense, Dropout, ReLU, Sequential, Sigmoid, Tanh
from microframe.errors import ConfigurationError, ShapeError

EXERCISE_X = np.array([0.5, 0.1, -0.2])


def node_labels(text: str) -> dict[str, str]:
    """Map node ids to labels in the unit view, with ``<br/>`` as a space."""
    found = re.findall(r'^\s+(n\d+_\d+)\(\("([^"]*)"\)\)$', text, re.MULTILINE)
    return {node: label.replace("<br/>", " ") for node, label in found}


def edge_labels(text: str) -> dict[tuple[str, str], str]:
    found = re.findall(r'^\s+(\S+) -->\|"([^"]*)"\| (\S+)$', text, re.MULTILINE)
    return {(source, target): label for source, label, target in found}


def test_exercise_hidden_and_output_values() -> None:
    labels = node_labels(build_exercise_model().to_mermaid(EXERCISE_X))
    assert labels["n1_0"] == "h1 0.560"
    assert labels["n1_1"] == "h2 0.387"
    assert labels["n2_0"] == "y1 0.485"


def test_exercise_input_values() -> None:
    labels = node_labels(build_exercise_model().to_mermaid(EXERCISE_X))
    assert [labels[f"n0_{i}"] for i in range(3)] == [
        "x1 0.500",
        "x2 0.100",
        "x3 -0.200",
    ]


def test_exercise_edges_carry_weights() -> None:
    edges = edge_labels(build_exercise_model().to_mermaid(EXERCISE_X))
    assert edges == {
        ("n0_0", "n1_0"): "0.500",
        ("n0_0", "n1_1"): "-0.600",
        ("n0_1", "n1_0"): "0.100",
        ("n0_1", "n1_1"): "-0.200",
        ("n0_2", "n1_0"): "0.100",
        ("n0_2", "n1_1"): "0.700",
        ("n1_0", "n2_0"): "0.100",
        ("n1_1", "n2_0"): "-0.300",
    }


def test_exercise_chart_structure() -> None:
    text = build_exercise_model().to_mermaid(EXERCISE_X)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert re.findall(r'subgraph L\d\["([^"]*)"\]', text) == [
        "input",
        "hidden 1: Sigmoid",
        "output: Sigmoid",
    ]
    assert "  class n0_0,n0_1,n0_2 input" in lines
    assert "  class n1_0,n1_1 hidden" in lines
    assert "  class n2_0 output" in lines


def test_edges_coloured_by_sign() -> None:
    lines = build_exercise_model().to_mermaid(EXERCISE_X).splitlines()
    assert "  linkStyle 0,2,4,5,6 stroke:#2563eb" in lines
    assert "  linkStyle 1,3,7 stroke:#dc2626" in lines


def test_units_without_input_show_names() -> None:
    labels = node_labels(build_exercise_model().to_mermaid())
    assert labels["n1_0"] == "h1"
    assert labels["n2_0"] == "y1"


def test_to_mermaid_leaves_model_unchanged() -> None:
    model = build_exercise_model()
    before = model.get_weights()
    state = model.rng.bit_generator.state
    model.to_mermaid(EXERCISE_X)
    for old, new in zip(before, model.get_weights(), strict=True):
        for key in old:
            np.testing.assert_array_equal(old[key], new[key])
    dense = model.layers[0]
    assert isinstance(dense, Dense)
    assert dense._x is None
    assert model.rng.bit_generator.state == state


def test_bias_shown_in_unit_label() -> None:
    model = Sequential([Dense(1, 1), Sigmoid()], dtype=np.float64)
    model.layers[0].params["weight"] = [[2.0]]
    model.layers[0].params["bias"] = [-1.0]
    labels = node_labels(model.to_mermaid(np.array([1.0])))
    # sigmoid(2 * 1 - 1) = 0.7310585...
    assert labels["n1_0"] == "y1 0.731 b=-1.000"


def test_batch_sample_row_selects_values() -> None:
    model = Sequential([Dense(1, 1, use_bias=False), ReLU()], dtype=np.float64)
    model.layers[0].params["weight"] = [[3.0]]
    labels = node_labels(model.to_mermaid(np.array([[1.0], [2.0]]), sample=1))
    assert labels["n1_0"] == "y1 6.000"


def test_two_hidden_layers_prefixes() -> None:
    model = Sequential([Dense(2, 3), Tanh(), Dense(3, 2), ReLU(), Dense(2, 1)], seed=0)
    text = model.to_mermaid()
    assert re.findall(r'subgraph L\d\["([^"]*)"\]', text) == [
        "input",
        "hidden 1: Tanh",
        "hidden 2: ReLU",
        "output: linear",
    ]
    labels = node_labels(text)
    assert labels["n1_2"] == "h1_3 b=0.000"
    assert labels["n2_1"] == "h2_2 b=0.000"
    assert len(edge_labels(text)) == 2 * 3 + 3 * 2 + 2 * 1


def wide_model() -> Sequential:
    return Sequential(
        [Dense(20, 16), ReLU(), Dropout(0.5), Dense(16, 1), Sigmoid()], seed=0
    )


def test_wide_model_uses_layer_view() -> None:
    text = wide_model().to_mermaid()
    assert '  layer0["0: Dense(20 -> 16)<br/>out (N, 16)<br/>336 params"]' in text
    assert '  layer2["2: Dropout(0.5)<br/>out (N, 16)<br/>0 params"]' in text
    assert "  layer3 --> layer4" in text
    assert "  class layer0,layer3 weights" in text
    assert "  class layer1,layer4 activation" in text
    assert "  class layer2 other" in text


def test_layer_view_statistics_by_hand() -> None:
    model = Sequential([Dense(2, 2, use_bias=False), ReLU(), Sigmoid()])
    model.layers[0].params["weight"] = [[1.0, -1.0], [1.0, -1.0]]
    x = np.array([[1.0, 1.0], [2.0, 0.0]])
    text = model.to_mermaid(x, view="layers")
    # Dense outputs [[2, -2], [2, -2]]: mean 0, std 2; weights mean 0, std 1.
    assert "out mean 0.000, std 2.000<br/>weight mean 0.000, std 1.000" in text
    # The second ReLU unit is zero for both samples: half the units are dead.
    assert "out mean 1.000, std 1.000<br/>dead units 50%" in text


def test_layer_view_saturated_sigmoid() -> None:
    model = Sequential([Dense(1, 2, use_bias=False), Sigmoid()], dtype=np.float64)
    model.layers[0].params["weight"] = [[10.0, 0.1]]
    # sigmoid(10) = 0.99995 is saturated, sigmoid(0.1) = 0.525 is not.
    text = model.to_mermaid(np.array([[1.0]]), view="layers")
    assert "saturated 50%" in text


def test_layer_view_input_shape_from_x() -> None:
    text = wide_model().to_mermaid(np.zeros((3, 20)))
    assert '  x_in[/"input<br/>(N, 20)"/]' in text


def test_convolution_dead_filter_counts_channels() -> None:
    model = Sequential([Conv2D(1, 2, 1, use_bias=False), ReLU()])
    # Filter 0 passes positive pixels, filter 1 negates them: with only
    # positive pixels filter 1 is zero everywhere, so one of two is dead.
    model.layers[0].params["weight"] = [[[[1.0, -1.0]]]]
    text = model.to_mermaid(np.full((2, 3, 3, 1), 0.5))
    assert "out (N, 3, 3, 2)" in text
    assert "dead units 50%" in text


def test_unknown_view_raises() -> None:
    with pytest.raises(ConfigurationError, match="view must be one of"):
        build_exercise_model().to_mermaid(view="graph")


def test_units_view_rejects_dropout() -> None:
    with pytest.raises(ConfigurationError, match="view='units' needs"):
        wide_model().to_mermaid(view="units")


def test_sample_out_of_range_raises() -> None:
    with pytest.raises(ShapeError, match="sample must be a row index"):
        build_exercise_model().to_mermaid(EXERCISE_X, sample=1)
