"""Reproduce the classic 3-2-1 backpropagation exercise with microframe's parts.

The network has 3 inputs, 2 sigmoid hidden units and 1 sigmoid output, no
biases, and the loss 0.5 * (target - output)**2. One step of SGD with
learning rate 0.5 is taken; every printed number comes from microframe's
own forward, backward and optimizer.
"""

import numpy as np

from microframe import SGD, Dense, HalfSquaredError, Sequential, Sigmoid

np.set_printoptions(precision=8)

x = np.array([[0.5, 0.1, -0.2]])
target = np.array([[0.6]])

model = Sequential(
    [Dense(3, 2, use_bias=False), Sigmoid(), Dense(2, 1, use_bias=False), Sigmoid()],
    dtype=np.float64,
)
hidden_dense, hidden_sigmoid, output_dense, output_sigmoid = model.layers
hidden_dense.params["weight"] = [[0.5, -0.6], [0.1, -0.2], [0.1, 0.7]]
output_dense.params["weight"] = [[0.1], [-0.3]]
before = model.get_weights()

# Forward pass.
output = model.forward(x)
loss = HalfSquaredError(reduction="sum")
loss(target, output)
print("hidden activations", hidden_sigmoid.forward(hidden_dense.forward(x))[0])
print("output", output[0])

# Backward pass, one layer at a time so each error term can be shown. An
# error term is minus the gradient of the loss for a layer's pre-activation.
grad = loss.backward()
print("output error", -grad[0, 0])
grad = output_sigmoid.backward(grad)
print("output error term", -grad[0, 0])
grad = output_dense.backward(grad)
grad = hidden_sigmoid.backward(grad)
print("hidden error terms", -grad[0])
hidden_dense.backward(grad)

# One SGD step; the change in weights is after minus before.
SGD(learning_rate=0.5).step(model.layers)
after = model.get_weights()
print(
    "change in hidden-to-output weights",
    (after[2]["weight"] - before[2]["weight"])[:, 0],
)
print("change in input-to-hidden weights")
print(after[0]["weight"] - before[0]["weight"])
