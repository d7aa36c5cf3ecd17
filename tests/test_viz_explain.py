"""explain_step: one training step written out layer by layer."""

import numpy as np
import pytest
from test_exercise import EXPECTED, build_exercise_model

from microframe import (
    SGD,
    Adam,
    Dense,
    Dropout,
    HalfSquaredError,
    MeanSquaredError,
    Sequential,
)
from microframe.viz import StepExplanation

EXERCISE_X = np.array([0.5, 0.1, -0.2])


def explain_exercise(apply: bool = False) -> StepExplanation:
    return build_exercise_model().explain_step(
        EXERCISE_X,
        [0.6],
        loss=HalfSquaredError(reduction="sum"),
        optimizer=SGD(learning_rate=0.5),
        apply=apply,
    )


def test_exercise_forward_values() -> None:
    step = explain_exercise()
    np.testing.assert_allclose(step.layers[1].output[0], EXPECTED["hidden"], atol=5e-9)
    np.testing.assert_allclose(step.layers[3].output[0], EXPECTED["output"], atol=5e-9)


def test_exercise_error_terms() -> None:
    step = explain_exercise()
    assert float(step.output_error[0, 0]) == EXPECTED["output_error"]
    assert step.layers[3].delta is not None
    assert float(step.layers[3].delta[0, 0]) == EXPECTED["output_term"]
    assert step.layers[1].delta is not None
    np.testing.assert_allclose(
        step.layers[1].delta[0], EXPECTED["hidden_terms"], atol=5e-9
    )


def test_exercise_weight_changes() -> None:
    step = explain_exercise()
    np.testing.assert_allclose(
        step.layers[2].changes["weight"][:, 0], EXPECTED["delta_output"], atol=5e-9
    )
    np.testing.assert_allclose(
        step.layers[0].changes["weight"], EXPECTED["delta_hidden"], rtol=5e-9
    )


@pytest.mark.parametrize(
    "printed",
    [
        # The lines examples/backprop_exercise.py prints, value for value.
        "    output: [0.55971365 0.38698582]",
        "    output: 0.48497343084992534",
        "    output error -dL/d(y_pred): 0.11502656915007464",
        "    delta: 0.028730669543515018",
        "    delta: [ 0.00070802 -0.00204471]",
        "      [[0.00804047]\n       [0.00555918]]",
        "      [[ 1.77005547e-04 -5.11178506e-04]\n"
        "       [ 3.54011093e-05 -1.02235701e-04]\n"
        "       [-7.08022187e-05  2.04471402e-04]]",
    ],
)
def test_exercise_text_shows_value(printed: str) -> None:
    assert printed in str(explain_exercise())


def test_text_in_textbook_order() -> None:
    text = str(explain_exercise())
    headings = ["1. Forward pass", "2. Loss", "3. Backward pass", "4. Update"]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    backward = text[text.index("3. Backward pass") : text.index("4. Update")]
    assert backward.index("layer 3: Sigmoid") < backward.index("layer 0: Dense")


def test_default_leaves_model_unchanged() -> None:
    model = build_exercise_model()
    before = model.get_weights()
    state = model.rng.bit_generator.state
    explain_exercise_on(model, apply=False)
    for old, new in zip(before, model.get_weights(), strict=True):
        for key in old:
            np.testing.assert_array_equal(old[key], new[key])
    assert model.layers[0].grads == {}
    assert model.rng.bit_generator.state == state


def test_apply_updates_model() -> None:
    model = build_exercise_model()
    explain_exercise_on(model, apply=True)
    np.testing.assert_allclose(
        model.layers[2].params["weight"][:, 0],
        np.array([0.1, -0.3]) + EXPECTED["delta_output"],
        atol=5e-9,
    )


def explain_exercise_on(model: Sequential, apply: bool) -> StepExplanation:
    return model.explain_step(
        EXERCISE_X,
        [0.6],
        loss=HalfSquaredError(reduction="sum"),
        optimizer=SGD(learning_rate=0.5),
        apply=apply,
    )


def test_compiled_optimizer_state_untouched() -> None:
    model = Sequential([Dense(2, 1)], seed=0, dtype=np.float64)
    optimizer = Adam(learning_rate=0.1)
    model.compile(loss="mse", optimizer=optimizer)
    step = model.explain_step(np.ones((3, 2)), np.zeros((3, 1)))
    assert optimizer.iterations == 0
    assert "optimizer Adam(" in str(step)
    # Adam's first step moves every weight by the learning rate, with the
    # sign opposite to its gradient.
    for key in ("weight", "bias"):
        np.testing.assert_allclose(
            step.layers[0].changes[key],
            -0.1 * np.sign(step.layers[0].grads[key]),
            rtol=1e-6,
        )


def test_batch_by_hand() -> None:
    model = Sequential([Dense(1, 1)], dtype=np.float64)
    model.layers[0].params["weight"] = [[2.0]]
    model.layers[0].params["bias"] = [0.0]
    x = np.array([[1.0], [3.0]])
    y = np.array([[1.0], [5.0]])
    step = model.explain_step(x, y, loss=MeanSquaredError(), optimizer=SGD(0.1))
    # y_pred = [2, 6]; loss = mean([1, 1]) = 1; dL/dy_pred = (y_pred - y) = [1, 1].
    assert step.loss == 1.0
    np.testing.assert_array_equal(step.output_error, [[-1.0], [-1.0]])
    # dL/dw = 1 * 1 + 1 * 3 = 4, dL/db = 2; the change is -0.1 times those.
    np.testing.assert_allclose(step.layers[0].grads["weight"], [[4.0]])
    np.testing.assert_allclose(step.layers[0].changes["weight"], [[-0.4]])
    np.testing.assert_allclose(step.layers[0].changes["bias"], [-0.2])
    text = str(step)
    assert text.startswith("Training step on 2 samples\n")
    update = text[text.index("4. Update") :]
    assert update.count("layer 0: Dense(1 -> 1)") == 1
    # 2.0 - 0.4 = 1.6 in float64, and 1.6 - 2.0 rounds to -0.3999999999999999.
    assert "change in weight: -0.3999999999999999" in update
    assert "change in bias: -0.2" in update


def test_default_loss_and_optimizer() -> None:
    model = Sequential([Dense(2, 1)], seed=0)
    step = model.explain_step(np.ones((2, 2)), np.zeros((2, 1)))
    assert step.loss_name == "MeanSquaredError(reduction='mean')"
    assert step.optimizer_name.startswith("SGD(learning_rate=0.01")


def test_dropout_uses_copied_generator() -> None:
    model = Sequential([Dense(4, 4), Dropout(0.5), Dense(4, 1)], seed=3)
    state = model.rng.bit_generator.state
    first = model.explain_step(np.ones((2, 4)), np.zeros((2, 1)))
    second = model.explain_step(np.ones((2, 4)), np.zeros((2, 1)))
    assert model.rng.bit_generator.state == state
    np.testing.assert_array_equal(first.layers[1].output, second.layers[1].output)


def test_show_prints_text(capsys: pytest.CaptureFixture[str]) -> None:
    model = Sequential([Dense(1, 1)], seed=0)
    step = model.explain_step(np.ones((1, 1)), np.zeros((1, 1)), show=True)
    assert capsys.readouterr().out == str(step) + "\n"


def test_quiet_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    Sequential([Dense(1, 1)], seed=0).explain_step(np.ones((1, 1)), np.zeros((1, 1)))
    assert capsys.readouterr().out == ""
