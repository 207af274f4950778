"""Two-layer MLP with cross-entropy

4 samples of 3 features as the columns of x; h = relu(W1 x + b1), logits = (W2 h + b2)ᵀ, mean cross-entropy of the labels. b's bar sums the output's bar over the samples."""

x = input([[-0.64, -1.09, -1.2, -0.84],
           [0.6, 0.02, -0.46, -0.24],
           [-1.43, 1.23, -1.22, 0.04]])
W1 = parameter([[2.14, -2.55, -1.41],
                [-0.72, 0.12, -1.71],
                [-0.24, -0.03, 0.17],
                [-2.39, 0.65, 1.6],
                [0.44, -0.72, -0.61]])
b1 = parameter([0.1, 0.0, -0.1, 0.05, 0.0])
W2 = parameter([[-2.65, 0.48, 1.5, 0.65, -2.98],
                [-0.43, -0.1, -0.48, 1.03, -1.74],
                [-0.72, 0.6, 0.99, 0.17, 1.06]])
b2 = parameter([0.0, 0.1, -0.1])
labels = constant([0, 2, 1, 2])

a1 = linear(W1, x, b1)
h1 = relu(a1)
a2 = linear(W2, h1, b2)
logits = a2.T
loss = cross_entropy(logits, labels)
