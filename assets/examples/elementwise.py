"""Elementwise function h = g(a) (seed 002)

For h = tanh(a) elementwise, ā = h̄ ⊙ g′(a): a Hadamard product, no matrix of partial derivatives."""

a = input([-1.5, -0.2, 0.3, 2.0])
y = constant([0.0, 0.5, 0.5, 1.0])

h = tanh(a)
c = mse(h, y)
