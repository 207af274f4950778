"""The functions an exported numpy script defines for the ops whose spelling calls them, by name.

numpy source, not engine code: each is written again from the calculus (a convolution as a loop over
kernel offsets where the engine uses im2col, a matmul's bars for batches), so that a script printing the
engine's numbers is a second derivation agreeing with the first. An op's ``Spelling`` lists the helpers
its templates call; a script defines those its lines do call. Every function named here is a reserved
name in the scripts (``gradviz.export.names``), so no node can shadow one.
"""

from gradviz.engine.spelling import Helper

# softmax, log_softmax, logsumexp and cross_entropy: shifted by the max, as the engine does.
SOFTMAX = Helper(
    """
def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def logsumexp(x, axis):
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.exp(x - top).sum(axis=axis))
"""
)


# matmul's bars for batches (the spelling writes vectors' and matrices' with np.outer and @).
MATMUL_BARS = Helper(
    '''
def matmul_bars(g, a, b):
    """Bars of a @ b for batches and vectors: raise vectors to matrices as np.matmul does."""
    A = a[None, :] if a.ndim == 1 else a
    B = b[:, None] if b.ndim == 1 else b
    G = g
    if b.ndim == 1:
        G = G[..., None]
    if a.ndim == 1:
        G = G[..., None, :]
    a_bar = G @ np.swapaxes(B, -1, -2)
    b_bar = np.swapaxes(A, -1, -2) @ G
    return (a_bar[..., 0, :] if a.ndim == 1 else a_bar), (b_bar[..., 0] if b.ndim == 1 else b_bar)
'''
)


# det's bar c̄ adj(A)ᵀ, defined for a singular A too.
ADJUGATE = Helper(
    '''
def adjugate(a):
    """adj(A): det(A) A⁻¹ for an invertible A, and defined for a singular one (det's bar is c̄ adj(A)ᵀ).
    From the SVD A = U S Vᵀ, with products of all singular values but one, never dividing by one."""
    u, s, vt = np.linalg.svd(a)
    before = np.concatenate(([1.0], np.cumprod(s[:-1])))
    after = np.concatenate((np.cumprod(s[:0:-1])[::-1], [1.0]))
    return np.linalg.det(u) * np.linalg.det(vt) * (vt.T * (before * after)) @ u.T
'''
)


# correlate2d's and convolve2d's forwards and bars: a loop over kernel offsets.
CORRELATE2D = Helper(
    '''
def correlate2d(image, kernel, pads):
    """Slide the kernel, unflipped, over the image padded with zeros: Σ image[y+i, x+j] kernel[i, j]."""
    padded = np.pad(image, pads)
    kh, kw = kernel.shape
    out = np.zeros((padded.shape[0] - kh + 1, padded.shape[1] - kw + 1))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i:i + out.shape[0], j:j + out.shape[1]]
    return out
'''
)


# conv2d and its bars: one kernel offset at a time.
CONV2D = Helper(
    '''
def conv2d(x, w, stride, padding):
    """torch's conv2d, one kernel offset (i, j) at a time."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    kh, kw = w.shape[2:]
    out_h = (xp.shape[2] - kh) // stride[0] + 1
    out_w = (xp.shape[3] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], w.shape[0], out_h, out_w))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride[0] * (out_h - 1) + 1:stride[0], j:j + stride[1] * (out_w - 1) + 1:stride[1]]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j])
    return out


def conv2d_bars(g, x, w, stride, padding):
    """x's and w's bars: each offset's patch met the output's bar g through w[:, :, i, j]."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    xp_bar, w_bar = np.zeros_like(xp), np.zeros_like(w)
    out_h, out_w = g.shape[2:]
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            rows = slice(i, i + stride[0] * (out_h - 1) + 1, stride[0])
            cols = slice(j, j + stride[1] * (out_w - 1) + 1, stride[1])
            w_bar[:, :, i, j] = np.einsum("nohw,nchw->oc", g, xp[:, :, rows, cols])
            xp_bar[:, :, rows, cols] += np.einsum("nohw,oc->nchw", g, w[:, :, i, j])
    return xp_bar[:, :, padding[0]:padding[0] + x.shape[2], padding[1]:padding[1] + x.shape[3]], w_bar
'''
)
