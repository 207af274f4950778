"""Correlation of an impulse: the kernel flips (notes 20.3)

A one-hot image correlated with the kernel k = [[1,2,3],[4,5,6],[7,8,9]] draws k flipped by 180° around the 1. L = Σ G ⊙ Iₒ with G one-hot, so Īₒ = G is an impulse too; the backward pass is a convolution with k and draws k the right way round: the backward pass of correlation is a convolution."""

I_i = input([[0.0, 0.0, 0.0, 0.0],
             [0.0, 0.0, 0.0, 0.0],
             [0.0, 0.0, 1.0, 0.0],
             [0.0, 0.0, 0.0, 0.0]], label="Iᵢ")
k = parameter([[1.0, 2.0, 3.0],
               [4.0, 5.0, 6.0],
               [7.0, 8.0, 9.0]])
G = constant([[0.0, 0.0, 0.0, 0.0],
              [0.0, 0.0, 1.0, 0.0],
              [0.0, 0.0, 0.0, 0.0],
              [0.0, 0.0, 0.0, 0.0]])

I_o = correlate2d(I_i, k, mode="same", label="Iₒ")
weighted = mul(I_o, G, label="S")
L = sum(weighted)
