#!/usr/bin/python3
"""The torchvision 0.14 peer of aiaas-vision's ImagePipelineSpeed: images per second of
(a) decode + resize to 224 x 224 + normalise (ImageNet) into an NCHW float batch, over the JPEGs
of a folder, two ways: PIL (Image.open, Resize's antialiased bilinear, to_tensor) and
torchvision.io (read_image with libjpeg, resize with antialias=True on the uint8 tensor... as
float), and (b) RandomResizedCrop(224) + RandomHorizontalFlip + ColorJitter(0.4, 0.4, 0.4, 0.1) +
Normalize on the decoded photos (float tensors); torch on one thread, best of ROUNDS rounds by
wall-clock time and by the process's CPU time (which a busy machine moves far less).

    /usr/bin/python3 tools/image_pipeline_speed.py FOLDER [rounds] [repeat]
"""
import os
import sys
import time

import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def main():
    folder = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(".jpg"))
    work = files * repeat
    augment = T.Compose([T.RandomResizedCrop(224, antialias=False), T.RandomHorizontalFlip(),
                         T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.Normalize(MEAN, STD)])
    decoded = [F.to_tensor(Image.open(f).convert("RGB")) for f in files]
    best = {}

    def timed(key, fn):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = len(work) / (time.perf_counter() - w0), len(work) / (time.process_time() - c0)
        best[key] = (max(best.get(key, (0, 0))[0], wall), max(best.get(key, (0, 0))[1], cpu))
        return f"{key} {wall:.1f} wall, {cpu:.1f} CPU"

    for r in range(rounds):
        torch.manual_seed(r)
        print(f"round {r}: " + "; ".join([
            timed("PIL", lambda: torch.stack([F.normalize(F.to_tensor(F.resize(Image.open(f).convert("RGB"), [224, 224])), MEAN, STD)
                                              for f in work])),
            timed("torchvision.io", lambda: torch.stack([F.normalize(F.resize(
                torchvision.io.read_image(f, torchvision.io.ImageReadMode.RGB).float() / 255.0, [224, 224], antialias=True), MEAN, STD)
                for f in work])),
            timed("augment", lambda: torch.stack([augment(decoded[i % len(decoded)]) for i in range(len(work))]))]))
    print(f"torchvision {torchvision.__version__}, 1 thread, {len(work)} images a round, best images/s (wall, per CPU-second): "
          + "; ".join(f"{k} {w:.1f}, {c:.1f}" for k, (w, c) in best.items()))


if __name__ == "__main__":
    main()
