"""Linear layer a = W x (notes 20.2)

a = W x, L = Σ (a − y)². The bars: x̄ = Wᵀ ā has x's shape (2×1) and W̄ = ā xᵀ has W's shape (3×2)."""

W = parameter([[0.1, -0.3], [0.7, 0.2], [-0.5, 0.4]])
x = input([[1.0], [2.0]])
y = constant([[0.5], [0.0], [1.0]])

a = W @ x
L = mse(a, y, reduction="sum")
