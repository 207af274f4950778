"""Start at the end: c = (f − y)² (seed 002)

The reverse pass starts at the cost with c̄ = 1; the first rule gives f̄ = 2(f − y), an N×1 vector like f."""

f = input([[0.9], [0.2], [-0.4], [1.5]])
y = constant([[1.0], [0.0], [0.0], [1.0]])

c = mse(f, y)
