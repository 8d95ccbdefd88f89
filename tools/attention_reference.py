#!/usr/bin/python3
"""Writes aiaas-core's PyTorch reference for the attention layers
(src/test/resources/dev/aiaas/core/nn/torch-attention-reference.txt), read by AttentionReferenceTest.

Two float64 forward and backward passes on a batch x [B=2, T=5, D=6] (batch_first):
  mha:   torch.nn.MultiheadAttention(6, 2, batch_first=True) with the causal mask
         (attn_mask = triu(ones(T, T), 1), True = not attended), query = key = value = x;
  block: a pre-LN transformer block with the causal mask and no dropout,
             h = x + MHA(LN1(x)),   y = h + Linear(8, 6)(GELU_tanh(Linear(6, 8)(LN2(h)))).
For each, L = sum(w * y) with a fixed w, and the file gets one `name value...` line each for
y, dL/dx (both in (b, t, c) order) and dL/dtheta, the gradients of the parameters concatenated in
aiaas's theta order, which is also the order in which the parameters are filled below:
  mha:   in_proj_weight [3D, D] row by row, in_proj_bias, out_proj.weight [D, D] row by row, out_proj.bias
  block: LN1 gamma, LN1 beta, (the mha's four), LN2 gamma, LN2 beta, Linear(6, 8) weight [8, 6] row
         by row, its bias, Linear(8, 6) weight, its bias.
Parameter number i of theta (counted over the whole theta) is 1 + 0.3 value(7, i) for a layer norm's
gamma and 0.5 value(7, i) otherwise; x[b, t, c] = 1.5 value(90, (b T + t) D + c) and
w[b, t, c] = value(91, (b T + t) D + c). The Java test builds the same values from these formulas.

    /usr/bin/python3 tools/attention_reference.py > aiaas-core/src/test/resources/dev/aiaas/core/nn/torch-attention-reference.txt
"""
import math

import torch

torch.set_default_dtype(torch.float64)
B, T, D, H, MLP = 2, 5, 6, 2, 8


def value(tag, i):
    """The value number i of `tag`: a fixed formula, in [-1, 1]."""
    return math.sin(1.3 * i + 0.7 * tag + 0.1 * i * i * (tag % 3 + 1))


def fill_theta(tensors):
    """Fills (tensor, is_gamma) pairs in order from the formula over one running index."""
    i = 0
    with torch.no_grad():
        for t, gamma in tensors:
            flat = t.view(-1)
            for k in range(flat.numel()):
                flat[k] = 1 + 0.3 * value(7, i) if gamma else 0.5 * value(7, i)
                i += 1


def sequence(tag, scale):
    x = torch.empty(B, T, D)
    for b in range(B):
        for t in range(T):
            for c in range(D):
                x[b, t, c] = scale * value(tag, (b * T + t) * D + c)
    return x


def emit(name, values):
    print(name + " " + " ".join(repr(float(v)) for v in values))


def mha_tensors(mha):
    return [(mha.in_proj_weight, False), (mha.in_proj_bias, False), (mha.out_proj.weight, False), (mha.out_proj.bias, False)]


causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
w = sequence(91, 1.0)

# mha alone
mha = torch.nn.MultiheadAttention(D, H, batch_first=True)
tensors = mha_tensors(mha)
fill_theta(tensors)
x = sequence(90, 1.5).requires_grad_(True)
y = mha(x, x, x, attn_mask=causal, need_weights=False)[0]
(y * w).sum().backward()
emit("mha.y", y.detach().reshape(-1))
emit("mha.dx", x.grad.reshape(-1))
emit("mha.dtheta", torch.cat([t.grad.reshape(-1) for t, _ in tensors]))

# pre-LN block
ln1 = torch.nn.LayerNorm(D, eps=1e-5)
mha = torch.nn.MultiheadAttention(D, H, batch_first=True)
ln2 = torch.nn.LayerNorm(D, eps=1e-5)
lin1 = torch.nn.Linear(D, MLP)
lin2 = torch.nn.Linear(MLP, D)
tensors = [(ln1.weight, True), (ln1.bias, False)] + mha_tensors(mha) + [(ln2.weight, True), (ln2.bias, False),
                                                                         (lin1.weight, False), (lin1.bias, False),
                                                                         (lin2.weight, False), (lin2.bias, False)]
fill_theta(tensors)
x = sequence(90, 1.5).requires_grad_(True)
a = ln1(x)
h = x + mha(a, a, a, attn_mask=causal, need_weights=False)[0]
y = h + lin2(torch.nn.functional.gelu(lin1(ln2(h)), approximate="tanh"))
(y * w).sum().backward()
emit("block.y", y.detach().reshape(-1))
emit("block.dx", x.grad.reshape(-1))
emit("block.dtheta", torch.cat([t.grad.reshape(-1) for t, _ in tensors]))
