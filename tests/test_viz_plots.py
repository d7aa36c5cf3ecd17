"""PNG pictures drawn with matplotlib."""

import sys
from pathlib import Path

import numpy as np
import pytest
from test_exercise import build_exercise_model

from microframe import Dense, ReLU, Sequential, Sigmoid, Softmax
from microframe.errors import MissingDependencyError, NotFittedError, ShapeError
from microframe.viz import (
    plot_decision_boundary,
    plot_gradient_histograms,
    plot_weight_histograms,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path: Path) -> np.ndarray:
    image = pytest.importorskip("matplotlib.image")
    pixels: np.ndarray = image.imread(path)
    return pixels


def test_plot_unit_view_writes_png(tmp_path: Path) -> None:
    path = build_exercise_model().plot(tmp_path / "net.png", np.array([0.5, 0.1, -0.2]))
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    height, width, _ = read_png(path).shape
    assert width > height


def test_plot_layer_view_writes_png(tmp_path: Path) -> None:
    model = Sequential([Dense(20, 16), ReLU(), Dense(16, 1), Sigmoid()], seed=0)
    path = model.plot(tmp_path / "layers.png", np.zeros((4, 20)))
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_decision_boundary_splits_plane(tmp_path: Path) -> None:
    # Class 1 exactly where feature 0 > 0: the left and right halves of the
    # plot must be shaded in different colours.
    model = Sequential([Dense(2, 1), Sigmoid()], dtype=np.float64)
    model.layers[0].params["weight"] = [[50.0], [0.0]]
    model.layers[0].params["bias"] = [0.0]
    x = np.array([[-1.0, -1.0], [1.0, 1.0]])
    path = plot_decision_boundary(model, x, [0, 1], tmp_path / "boundary.png")
    pixels = read_png(path)
    row = pixels[pixels.shape[0] // 2]
    columns = pixels.shape[1]
    left, right = row[columns // 4], row[3 * columns // 4]
    assert not np.allclose(left, right)


def test_decision_boundary_multiclass_one_hot(tmp_path: Path) -> None:
    model = Sequential([Dense(2, 3), Softmax()], seed=0)
    x = np.random.default_rng(0).standard_normal((9, 2))
    labels = np.eye(3)[np.arange(9) % 3]
    path = plot_decision_boundary(model, x, labels, tmp_path / "b.png", resolution=20)
    assert path.exists()


def test_decision_boundary_needs_two_features(tmp_path: Path) -> None:
    model = Sequential([Dense(3, 1)], seed=0)
    with pytest.raises(ShapeError, match=r"expected x of shape \(N, 2\)"):
        plot_decision_boundary(model, np.ones((4, 3)), [0, 1, 0, 1], tmp_path / "b.png")


def test_weight_histograms_write_png(tmp_path: Path) -> None:
    path = plot_weight_histograms(build_exercise_model(), tmp_path / "w.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_weight_histograms_need_parameters(tmp_path: Path) -> None:
    with pytest.raises(ShapeError, match="no parameters"):
        plot_weight_histograms(Sequential([ReLU()]), tmp_path / "w.png")


def test_gradient_histograms_after_backward(tmp_path: Path) -> None:
    model = build_exercise_model()
    model.backward(model.forward(np.ones((2, 3))))
    path = plot_gradient_histograms(model, tmp_path / "g.png")
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_gradient_histograms_need_backward(tmp_path: Path) -> None:
    with pytest.raises(NotFittedError, match="no gradients found"):
        plot_gradient_histograms(build_exercise_model(), tmp_path / "g.png")


def test_missing_matplotlib_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry in sys.modules makes the import fail as if not installed.
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingDependencyError, match=r"microframe\[plot\]"):
        build_exercise_model().plot(tmp_path / "net.png")
    assert not (tmp_path / "net.png").exists()
