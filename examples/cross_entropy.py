"""Binary cross-entropy L(Y, P) = -sum(Y log P + (1 - Y) log(1 - P))."""

import numpy as np

from microframe import BinaryCrossEntropy

Y = np.array([1, 0, 1, 1])
P = np.array([0.4, 0.6, 0.1, 0.5])

loss = BinaryCrossEntropy(reduction="sum")
print("cross-entropy:", loss(Y, P))
