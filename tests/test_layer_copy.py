"""Copying and pickling layers and their parameter dicts."""

import copy
import pickle

import numpy as np

from microframe import Dense, Sequential


def test_deepcopy_dense_keeps_weights() -> None:
    layer = Dense(2, 3)
    layer.build(np.random.default_rng(0), np.float64)
    clone = copy.deepcopy(layer)
    np.testing.assert_array_equal(clone.params["weight"], layer.params["weight"])
    assert clone.params["weight"] is not layer.params["weight"]


def test_deepcopy_params_owner_is_copy() -> None:
    clone = copy.deepcopy(Sequential([Dense(2, 3)], seed=0).layers[0])
    clone.params["weight"] = np.zeros((2, 3))
    assert clone.params["weight"].dtype == np.float32


def test_pickle_round_trip() -> None:
    model = Sequential([Dense(2, 3)], seed=0, dtype=np.float64)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        restored.layers[0].params["weight"], model.layers[0].params["weight"]
    )
    assert restored.layers[0].params._owner is restored.layers[0]
