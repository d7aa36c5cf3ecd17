"""Pickling layers and models, as scikit-learn does with fitted estimators."""

from __future__ import annotations

import pickle

import numpy as np

from microframe import Dense, ReLU, Sequential


def test_pickled_model_predicts_same() -> None:
    model = Sequential([Dense(3, 4), ReLU(), Dense(4, 2)], seed=0)
    x = np.arange(6.0).reshape(2, 3)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict(x), model.predict(x))


def test_pickled_params_keep_owner() -> None:
    layer = Dense(2, 2)
    layer.build(np.random.default_rng(0))
    copy = pickle.loads(pickle.dumps(layer))
    assert copy.params._owner is copy
    copy.params["weight"] = [[1, 2], [3, 4]]
    assert copy.params["weight"].dtype == np.float32
