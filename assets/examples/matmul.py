"""Matrix product Z = XY (seed 002)

X̄ = Z̄ Yᵀ and Ȳ = Xᵀ Z̄: a matrix product costing O(n³), instead of summing n⁴ partial derivatives ∂Zₘₙ/∂Xᵢⱼ."""

X = parameter([[-0.36, 1.2, 1.4], [0.32, 0.41, -0.49]])
Y = input([[-0.91, -0.9], [-1.0, 0.93], [-0.06, 0.13]])
T = constant(eye(2))

Z = X @ Y
c = mse(Z, T)
