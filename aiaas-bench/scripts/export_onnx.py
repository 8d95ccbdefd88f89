#!/usr/bin/python3
"""Exports the benchmarks' MLP 784-256-10 to ONNX, once, for the onnxruntime peer of `aiaas bench`.

The network and its weights are those of pytorch_mlp.py (He-uniform from the seeds of aiaas-bench's
Inputs, zero biases): Linear(784, 256), ReLU, Linear(256, 10), input "input" [batch, 784] float32,
output "logits" [batch, 10]; the batch dimension is dynamic. Run with Debian's PyTorch
(apt-get install python3-torch python3-onnx), from anywhere:

    /usr/bin/python3 aiaas-bench/scripts/export_onnx.py

It writes aiaas-bench/src/peers/resources/dev/aiaas/bench/peers/mlp-784-256-10.onnx (or the path
given as the only argument), checks it with onnx.checker when python3-onnx is installed, and prints
its size and SHA-256 for scripts/README.md.
"""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_mlp  # noqa: E402  (same folder)

import torch  # noqa: E402

DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "peers", "resources", "dev", "aiaas",
                       "bench", "peers", "mlp-784-256-10.onnx")


def main():
    out = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else DEFAULT)
    model = pytorch_mlp.build(torch, pytorch_mlp.SMALL).eval()
    x = torch.from_numpy(pytorch_mlp.features(1, 784))
    torch.onnx.export(model, x, out, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13,
                      do_constant_folding=True)
    try:
        import onnx
        onnx.checker.check_model(onnx.load(out))
        checked = "onnx.checker: ok (onnx %s)" % onnx.__version__
    except ImportError:
        checked = "onnx.checker not run (python3-onnx not installed)"
    data = open(out, "rb").read()
    print("%s: %d bytes, sha256 %s, torch %s, opset 13; %s"
          % (out, len(data), hashlib.sha256(data).hexdigest(), torch.__version__, checked))


if __name__ == "__main__":
    main()
