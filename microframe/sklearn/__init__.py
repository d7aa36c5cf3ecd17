"""scikit-learn estimators that train a microframe network.

``NeuralNetClassifier`` and ``NeuralNetRegressor`` follow scikit-learn's
estimator contract, so they work in ``Pipeline``, ``GridSearchCV`` and
``cross_val_score``. They need the optional extra: ``pip install
microframe[sklearn]``.
"""

from microframe._optional import import_optional

import_optional("sklearn", "microframe[sklearn]", "microframe.sklearn")

from microframe.sklearn.estimators import (  # noqa: E402
    NeuralNetClassifier,
    NeuralNetRegressor,
)

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor"]
