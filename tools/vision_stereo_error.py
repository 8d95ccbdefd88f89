#!/usr/bin/env python3
"""Compares the output of `aiaas vision stereo` with the ground truth of `aiaas vision render`.

    java -jar aiaas-cli/target/aiaas.jar vision render --output scene --seed 42
    java -jar aiaas-cli/target/aiaas.jar vision stereo --lights scene/lights.txt --output out scene/image-*.png
    python3 tools/vision_stereo_error.py scene out

Prints the mean and 95th-percentile angular error of the normals (degrees) over the object, the
mean absolute albedo error, and the pixels where foreground masks disagree. Needs NumPy only; it
also checks what the .npy files promise (float32, H x W x 3 unit vectors, zeros off the object).
"""
import sys

import numpy as np


def main(truth_dir, stereo_dir):
    n_true = np.load(f"{truth_dir}/normals.npy")
    a_true = np.load(f"{truth_dir}/albedo.npy")
    n = np.load(f"{stereo_dir}/normals.npy")
    a = np.load(f"{stereo_dir}/albedo.npy")
    assert n.dtype == np.float32 and a.dtype == np.float32, (n.dtype, a.dtype)
    assert n.shape == n_true.shape and n.ndim == 3 and n.shape[2] == 3, (n.shape, n_true.shape)
    assert a.shape == n.shape[:2], (a.shape, n.shape)
    obj = np.linalg.norm(n_true, axis=2) > 0
    found = np.linalg.norm(n, axis=2) > 0
    lengths = np.linalg.norm(n[found], axis=1)
    assert np.allclose(lengths, 1, atol=1e-5), "normals are unit vectors"
    both = obj & found
    cos = np.clip(np.sum(n[both] * n_true[both], axis=1), -1, 1)
    err = np.degrees(np.arccos(cos))
    print(f"object pixels {obj.sum()}, recovered {found.sum()}, mask disagreements {(obj != found).sum()}")
    print(f"mean angular error {err.mean():.3f} deg, 95th percentile {np.percentile(err, 95):.3f} deg, max {err.max():.3f} deg")
    print(f"mean absolute albedo error {np.abs(a[both] - a_true[both]).mean():.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: vision_stereo_error.py RENDER_DIR STEREO_DIR")
    main(sys.argv[1], sys.argv[2])
