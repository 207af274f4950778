"""Giles' matrix results: inverse, determinant, solve

C₁ = A⁻¹: Ā = −C₁ᵀ C̄₁ C₁ᵀ. C₂ = det A: Ā = C̄₂ C₂ A⁻ᵀ. C₃ = A⁻¹B: B̄ = A⁻ᵀ C̄₃, Ā = −B̄ C₃ᵀ. A feeds all three, so its bar is the sum of three contributions."""

A = parameter([[3.52, -1.06, 1.29],
               [-0.51, 1.37, 0.44],
               [1.81, 0.96, 4.0]])
B = input([[0.19, -2.47], [0.68, 0.16], [-2.64, -0.65]])
G = constant([[-0.88, 1.06, 0.12],
              [0.3, 0.24, -1.33],
              [-1.96, 0.06, -0.29]])

C1 = inv(A, label="C₁")
C2 = det(A, label="C₂")
C3 = solve(A, B, label="C₃")
weighted = mul(C1, G, label="S")
s1 = sum(weighted)
s3 = sum(C3)
partial = s1 + C2
c = partial + s3
