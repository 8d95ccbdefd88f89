#!/usr/bin/python3
"""Writes aiaas-core's PyTorch reference for the normalisation layers and the activations
(src/test/resources/dev/aiaas/core/nn/torch-norm-reference.txt), read by TorchReferenceTest.

One training-mode forward and backward pass in float64 of
    Linear(6, 5) -> BatchNorm1d(5, eps=1e-3) -> GELU(tanh) -> LayerNorm(5, eps=1e-5) -> Tanh
    -> Linear(5, 4) -> LeakyReLU(0.1) -> Linear(4, 3) -> Sigmoid -> Linear(3, 3) -> cross-entropy
on a batch of 7, with inputs and parameters from closed formulas (the Java test builds the same
values), printing the logits, the loss and every parameter's gradient, one `name value...` line
each. PyTorch's Linear weight is [out, in]; the file gives it as is.

    /usr/bin/python3 tools/torch_reference_norm.py > aiaas-core/src/test/resources/dev/aiaas/core/nn/torch-norm-reference.txt
"""
import math

import torch

torch.set_default_dtype(torch.float64)
B, WIDTHS = 7, [6, 5, 4, 3, 3]


def value(tag, i):
    """The value number i of parameter or input `tag`: a fixed formula, in [-1, 1]."""
    return math.sin(1.3 * i + 0.7 * tag + 0.1 * i * i * (tag % 3 + 1))


lin1 = torch.nn.Linear(6, 5)
bn = torch.nn.BatchNorm1d(5, eps=1e-3)
ln = torch.nn.LayerNorm(5, eps=1e-5)
lin2 = torch.nn.Linear(5, 4)
lin3 = torch.nn.Linear(4, 3)
lin4 = torch.nn.Linear(3, 3)
model = torch.nn.Sequential(lin1, bn, torch.nn.GELU(approximate="tanh"), ln, torch.nn.Tanh(), lin2,
                            torch.nn.LeakyReLU(0.1), lin3, torch.nn.Sigmoid(), lin4)
model.train()


def fill(t, tag, scale=1.0, shift=0.0):
    """t (a weight [out, in] read row by row, or a vector) from value(tag, i), i in its order."""
    with torch.no_grad():
        flat = t.view(-1)
        for i in range(flat.numel()):
            flat[i] = shift + scale * value(tag, i)


for n, (lin, tag) in enumerate([(lin1, 1), (lin2, 2), (lin3, 3), (lin4, 4)]):
    fill(lin.weight, 10 * tag)
    fill(lin.bias, 10 * tag + 1, 0.5)
fill(bn.weight, 50, 0.3, 1.0)
fill(bn.bias, 51, 0.3)
fill(ln.weight, 60, 0.3, 1.0)
fill(ln.bias, 61, 0.3)

x = torch.empty(B, 6)
fill(x, 90, 2.0)  # row by row
labels = torch.tensor([i % 3 for i in range(B)])
logits = model(x)
loss = torch.nn.functional.cross_entropy(logits, labels)
loss.backward()


def line(name, t):
    print(name, " ".join(repr(float(v)) for v in t.detach().reshape(-1)))


line("logits", logits)  # row by row
line("loss", loss.reshape(1))
for name, p in [("lin1.weight", lin1.weight), ("lin1.bias", lin1.bias), ("bn.weight", bn.weight), ("bn.bias", bn.bias),
                ("ln.weight", ln.weight), ("ln.bias", ln.bias), ("lin2.weight", lin2.weight), ("lin2.bias", lin2.bias),
                ("lin3.weight", lin3.weight), ("lin3.bias", lin3.bias), ("lin4.weight", lin4.weight), ("lin4.bias", lin4.bias)]:
    line("grad." + name, p.grad)
line("bn.running_mean", bn.running_mean)  # momentum 0.1: 0.9 · 0 + 0.1 · the batch mean
