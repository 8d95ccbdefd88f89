#!/usr/bin/python3
"""Writes aiaas-vision's PyTorch reference for the convolutional layers
(aiaas-vision/src/test/resources/dev/aiaas/vision/nn/torch-conv-reference.txt), read by
TorchConvReferenceTest.

Each case runs one layer (or a small network) in float64 on a fixed input, with fixed parameters,
and back-propagates L = sum(y * w) for a fixed w (or, for the network, the cross-entropy of its
logits). The file holds, one `case.name value value ...` line each (float64 written with repr, so
the values round-trip exactly), the case's settings, its inputs and parameters (so the Java test
needs no formula of its own), and what PyTorch computed: y, dL/dx and each parameter's gradient.
Arrays are in PyTorch's (row-major) order: x [B, C, H, W], a convolution's weight [F, C/G, kH, kW].

The last case, `block`, is PyTorch's ResNet BasicBlock with a projection shortcut (aiaas's
ConvLayers.basicBlock(4, 2)), compared in TorchConvReferenceTest.

Inputs and parameters come from value(tag, i) = sin(1.3 i + 0.7 tag + 0.1 i^2 (tag % 3 + 1)).

    apt-get install -y python3-torch        # Debian 12: PyTorch 1.13
    /usr/bin/python3 tools/conv_reference.py > aiaas-vision/src/test/resources/dev/aiaas/vision/nn/torch-conv-reference.txt
"""
import math

import torch

torch.set_num_threads(2)
torch.set_default_dtype(torch.float64)


def value(tag, i):
    return math.sin(1.3 * i + 0.7 * tag + 0.1 * i * i * (tag % 3 + 1))


def tensor(shape, tag, scale=1.0, shift=0.0):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([shift + scale * value(tag, i) for i in range(n)]).reshape(shape)


def out(name, t):
    flat = t.detach().reshape(-1).tolist() if isinstance(t, torch.Tensor) else list(t)
    print(name + " " + " ".join(repr(float(v)) for v in flat))


def run(name, x_shape, layer, settings, tag):
    """One layer: its input, parameters, y, dL/dx and parameter gradients for L = sum(y * w)."""
    out(name + ".settings", settings)
    out(name + ".x_shape", x_shape)
    x = tensor(x_shape, tag, 2.0).requires_grad_(True)
    params = dict(layer.named_parameters())
    for k, (pname, p) in enumerate(sorted(params.items())):
        with torch.no_grad():
            p.copy_(tensor(p.shape, tag + 10 + k, 0.5, 1.0 if pname == "weight" and isinstance(layer, torch.nn.BatchNorm2d) else 0.0))
        out(name + "." + pname, p)
    out(name + ".x", x)
    y = layer(x)
    w = tensor(y.shape, tag + 30)
    out(name + ".y_shape", y.shape)
    out(name + ".w", w)
    (y * w).sum().backward()
    out(name + ".y", y)
    out(name + ".dx", x.grad)
    for pname, p in sorted(params.items()):
        out(name + ".d" + pname, p.grad)
    return x, y


# convolutions: settings are filters, kH, kW, sH, sW, padH (-1: same), padW, dH, dW, groups, bias
run("conv_groups_stride_pad_dilation", [2, 4, 7, 6],
    torch.nn.Conv2d(4, 6, (3, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2, bias=True),
    [6, 3, 3, 2, 1, 1, 2, 1, 2, 2, 1], 1)
run("conv_same_dilated_even_kernel", [2, 3, 6, 5],
    torch.nn.Conv2d(3, 4, (3, 2), stride=1, padding="same", dilation=(2, 1), bias=True),
    [4, 3, 2, 1, 1, -1, -1, 2, 1, 1, 1], 2)
run("conv_depthwise_stride2_nobias", [2, 3, 7, 7],
    torch.nn.Conv2d(3, 3, 3, stride=2, padding=1, groups=3, bias=False),
    [3, 3, 3, 2, 2, 1, 1, 1, 1, 3, 0], 3)
run("conv_1x1", [3, 5, 4, 4], torch.nn.Conv2d(5, 2, 1, bias=True), [2, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1], 4)
# pooling: kH, kW, sH, sW, pH, pW
run("max_pool", [2, 3, 7, 6], torch.nn.MaxPool2d(3, stride=2, padding=1), [3, 3, 2, 2, 1, 1], 5)
run("max_pool_2x2", [2, 3, 6, 6], torch.nn.MaxPool2d(2), [2, 2, 2, 2, 0, 0], 6)
run("avg_pool", [2, 3, 6, 7], torch.nn.AvgPool2d((2, 3), stride=(2, 1), padding=(1, 1), count_include_pad=True),
    [2, 3, 2, 1, 1, 1], 7)
run("global_avg_pool", [2, 3, 4, 5], torch.nn.AdaptiveAvgPool2d(1), [], 8)

# batch normalisation in training mode: PyTorch's momentum 0.1 is this library's 0.9
bn = torch.nn.BatchNorm2d(4, eps=1e-5, momentum=0.1)
bn.train()
x, _ = run("batch_norm", [3, 4, 5, 5], bn, [0.9, 1e-5], 9)
out("batch_norm.running_mean", bn.running_mean)
out("batch_norm.batch_var", x.detach().var(dim=(0, 2, 3), unbiased=False))

# a small network, for flatten's order against a dense layer's weights:
# conv 3@3x3 same -> batch norm -> relu -> max pool 2 -> flatten -> linear 5 -> cross-entropy
conv = torch.nn.Conv2d(2, 3, 3, padding=1)
bn2 = torch.nn.BatchNorm2d(3, eps=1e-5, momentum=0.1)
lin = torch.nn.Linear(3 * 3 * 2, 5)
net = torch.nn.Sequential(conv, bn2, torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), lin)
net.train()
with torch.no_grad():
    conv.weight.copy_(tensor(conv.weight.shape, 40, 0.5))
    conv.bias.copy_(tensor(conv.bias.shape, 41, 0.5))
    bn2.weight.copy_(tensor([3], 42, 0.3, 1.0))
    bn2.bias.copy_(tensor([3], 43, 0.3))
    lin.weight.copy_(tensor(lin.weight.shape, 44, 0.5))
    lin.bias.copy_(tensor(lin.bias.shape, 45, 0.5))
x = tensor([4, 2, 6, 4], 46, 2.0)
labels = torch.tensor([0, 3, 4, 1])
logits = net(x)
loss = torch.nn.functional.cross_entropy(logits, labels)
loss.backward()
out("net.x", x)
out("net.labels", labels.tolist())
out("net.conv.weight", conv.weight)
out("net.conv.bias", conv.bias)
out("net.bn.weight", bn2.weight)
out("net.bn.bias", bn2.bias)
out("net.linear.weight", lin.weight)
out("net.linear.bias", lin.bias)
out("net.logits", logits)
out("net.loss", [loss.item()])
out("net.conv.dweight", conv.weight.grad)
out("net.conv.dbias", conv.bias.grad)
out("net.bn.dweight", bn2.weight.grad)
out("net.bn.dbias", bn2.bias.grad)
out("net.linear.dweight", lin.weight.grad)
out("net.linear.dbias", lin.bias.grad)

# PyTorch's ResNet BasicBlock with a projection shortcut (ConvLayers.basicBlock(4, 2) in aiaas):
# y = relu(bn2(conv2(relu(bn1(conv1(x))))) + bn_sc(conv_sc(x))), conv1 3x3 stride 2 padding 1,
# conv2 3x3 padding 1, conv_sc 1x1 stride 2, no biases; batch norms in training mode with core's
# epsilon 1e-3 (the momentum moves only the running statistics, not y or the gradients);
# L = sum(y * w)
block_parts = {
    "conv1": torch.nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=False),
    "bn1": torch.nn.BatchNorm2d(4, eps=1e-3),
    "conv2": torch.nn.Conv2d(4, 4, 3, stride=1, padding=1, bias=False),
    "bn2": torch.nn.BatchNorm2d(4, eps=1e-3),
    "conv_sc": torch.nn.Conv2d(3, 4, 1, stride=2, bias=False),
    "bn_sc": torch.nn.BatchNorm2d(4, eps=1e-3),
}
with torch.no_grad():
    for k, (pname, part) in enumerate(block_parts.items()):
        part.train()
        if pname.startswith("conv"):
            part.weight.copy_(tensor(part.weight.shape, 50 + k, 0.5))
        else:
            part.weight.copy_(tensor([4], 50 + k, 0.3, 1.0))
            part.bias.copy_(tensor([4], 60 + k, 0.3))
x = tensor([3, 3, 6, 5], 70, 2.0).requires_grad_(True)
p = block_parts
main = p["bn2"](p["conv2"](torch.relu(p["bn1"](p["conv1"](x)))))
y = torch.relu(main + p["bn_sc"](p["conv_sc"](x)))
w = tensor(y.shape, 71)
(y * w).sum().backward()
out("block.x_shape", x.shape)
out("block.y_shape", y.shape)
out("block.x", x)
for pname, part in p.items():
    out("block." + pname + ".weight", part.weight)
    if not pname.startswith("conv"):
        out("block." + pname + ".bias", part.bias)
out("block.w", w)
out("block.y", y)
out("block.dx", x.grad)
for pname, part in p.items():
    out("block." + pname + ".dweight", part.weight.grad)
    if not pname.startswith("conv"):
        out("block." + pname + ".dbias", part.bias.grad)
