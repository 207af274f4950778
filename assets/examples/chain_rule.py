"""Chain rule along a path (notes 20.1)

x → i1 → a → y → i2 → L. The chain rule multiplies five local derivatives; read right to left it is reverse mode: one pass gives ∂L/∂x for all 3 elements of x, where forward mode needs 3 passes."""

x = input([0.5, -1.0, 2.0])

i1 = sin(x)
a = tanh(i1)
y = square(a)
i2 = exp(y)
L = sum(i2)
