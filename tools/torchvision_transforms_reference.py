#!/usr/bin/python3
"""Writes aiaas-vision's torchvision fixtures, read by TorchvisionAgreementTest
(aiaas-vision/src/test/resources/dev/aiaas/vision/transform/photos/).

Run once, with Debian's python3-torchvision 0.14 and the JPEGs of Debian's darknet package
(apt-get download darknet; dpkg-deb -x darknet_*.deb darknet):

    /usr/bin/python3 tools/torchvision_transforms_reference.py darknet/usr/share/darknet/data

It writes
  dog.png, eagle.png   small downscaled crops of darknet's dog.jpg and eagle.jpg (PIL, box filter),
                       the inputs of every operation, 8-bit RGB;
  dog.jpg              dog.png re-encoded as a JPEG (quality 90), and
  dog-jpeg-pil.png     PIL's decoding of it, to compare the Java JPEG decoder with libjpeg;
  torchvision-reference.bin.gz  the outputs of torchvision.transforms.functional (0.14) on the
                       float tensors uint8 / 255 of the inputs, one record per operation:
      u16 name length, name (UTF-8), i32 channels, i32 height, i32 width,
      f64 low, f64 step, then channels*height*width u16 q (CHW order), value = low + q * step
  (all big-endian; step = (max - min) / 65535, so a value is stored within step / 2).
"""
import gzip
import io
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as nnf
import torchvision
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.transforms import InterpolationMode as IM

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "aiaas-vision", "src", "test", "resources",
                   "dev", "aiaas", "vision", "transform", "photos")


def small_crop(path, box, size):
    """The crop box (left, upper, right, lower) of the photo, downscaled to size (w, h) with a box filter."""
    return Image.open(path).convert("RGB").crop(box).resize(size, Image.BOX)


def tensor(pil):
    """CHW float32 in [0, 1] as torchvision's to_tensor: uint8 / 255."""
    return torch.from_numpy(np.asarray(pil, dtype=np.uint8).copy()).permute(2, 0, 1).float() / 255.0


def record(out, name, t):
    a = t.detach().to(torch.float64).numpy()
    if a.ndim == 2:
        a = a[None]
    c, h, w = a.shape
    lo, hi = float(a.min()), float(a.max())
    step = (hi - lo) / 65535.0 if hi > lo else 1.0
    q = np.rint((a - lo) / step).astype(">u2")
    nb = name.encode("utf-8")
    out.write(struct.pack(">H", len(nb)) + nb + struct.pack(">iiidd", c, h, w, lo, step) + q.tobytes())


def perspective(x):
    """A perspective warp with fixed end points for the corners, named by them."""
    h, w = x.shape[-2:]
    start = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
    end = [[3, 2], [w - 1 - 5, 1], [w - 1 - 2, h - 1 - 4], [1, h - 1 - 3]]
    name = "perspective:bilinear:" + ":".join(str(v) for p in end for v in p)
    return {name: F.perspective(x, start, end, IM.BILINEAR)}


def main():
    data = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    # dog.jpg is 768 x 576: the dog's head region; eagle.jpg 773 x 512: the bird
    dog = small_crop(os.path.join(data, "dog.jpg"), (120, 200, 340, 360), (44, 32))
    eagle = small_crop(os.path.join(data, "eagle.jpg"), (160, 40, 620, 460), (30, 27))
    dog.save(os.path.join(OUT, "dog.png"), optimize=True)
    eagle.save(os.path.join(OUT, "eagle.png"), optimize=True)
    big = small_crop(os.path.join(data, "dog.jpg"), (100, 150, 420, 390), (96, 72))
    big.save(os.path.join(OUT, "dog.jpg"), quality=90)
    Image.open(os.path.join(OUT, "dog.jpg")).convert("RGB").save(os.path.join(OUT, "dog-jpeg-pil.png"), optimize=True)

    buf = io.BytesIO()
    for photo, pil in (("dog", dog), ("eagle", eagle)):
        x = tensor(pil)
        u8 = torch.from_numpy(np.asarray(pil, dtype=np.uint8).copy()).permute(2, 0, 1)
        ops = {
            "resize:nearest:19:27": F.resize(x, [19, 27], IM.NEAREST),
            "resize:bilinear:19:27": F.resize(x, [19, 27], IM.BILINEAR, antialias=False),
            "resize:bicubic:19:27": F.resize(x, [19, 27], IM.BICUBIC, antialias=False),
            "resize:antialias:19:27": F.resize(x, [19, 27], IM.BILINEAR, antialias=True),
            "resize:bilinear:50:61": F.resize(x, [50, 61], IM.BILINEAR, antialias=False),
            "resize:bicubic:50:61": F.resize(x, [50, 61], IM.BICUBIC, antialias=False),
            "resize:nearest:50:61": F.resize(x, [50, 61], IM.NEAREST),
            "resize:area:13:17": nnf.interpolate(x[None], size=[13, 17], mode="area")[0],
            "rotate:bilinear:30": F.rotate(x, 30.0, IM.BILINEAR),
            "rotate:bilinear:-17.5": F.rotate(x, -17.5, IM.BILINEAR),
            "rotate:nearest:41": F.rotate(x, 41.0, IM.NEAREST),
            "affine:bilinear:10:3:-2:0.9:8:0": F.affine(x, 10.0, [3, -2], 0.9, [8.0, 0.0], IM.BILINEAR),
            "adjust_hue:0.2": F.adjust_hue(x, 0.2),
            **perspective(x),
            "adjust_hue:-0.35": F.adjust_hue(x, -0.35),
            "adjust_saturation:1.7": F.adjust_saturation(x, 1.7),
        }
        if photo == "dog":
            ops.update({
                "center_crop:20:30": F.center_crop(x, [20, 30]),
                "center_crop:37:50": F.center_crop(x, [37, 50]),
                "crop:5:7:20:30": F.crop(x, 5, 7, 20, 30),
                "hflip": F.hflip(x),
                "vflip": F.vflip(x),
                "pad:reflect:2:3:4:1": F.pad(x, [2, 3, 4, 1], padding_mode="reflect"),
                "pad:symmetric:2:3:4:1": F.pad(x, [2, 3, 4, 1], padding_mode="symmetric"),
                "pad:edge:2:3:4:1": F.pad(x, [2, 3, 4, 1], padding_mode="edge"),
                "adjust_brightness:1.3": F.adjust_brightness(x, 1.3),
                "adjust_contrast:0.6": F.adjust_contrast(x, 0.6),
                "adjust_contrast:1.8": F.adjust_contrast(x, 1.8),
                "adjust_saturation:0.3": F.adjust_saturation(x, 0.3),
                "rgb_to_grayscale:1": F.rgb_to_grayscale(x, 1),
                "gaussian_blur:5:3:1.2:0.7": F.gaussian_blur(x, [5, 3], [1.2, 0.7]),
                "adjust_sharpness:1.8": F.adjust_sharpness(x, 1.8),
                "adjust_sharpness:0.2": F.adjust_sharpness(x, 0.2),
                "autocontrast": F.autocontrast(x),
                "solarize:0.6": F.solarize(x, 0.6),
                "invert": F.invert(x),
                "normalize:imagenet": F.normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
                "posterize:3": F.posterize(u8, 3).float() / 255.0,
                "equalize": F.equalize(u8).float() / 255.0,
            })
        for name, t in ops.items():
            record(buf, photo + ":" + name, t)
    with gzip.GzipFile(os.path.join(OUT, "torchvision-reference.bin.gz"), "wb", mtime=0) as f:
        f.write(buf.getvalue())
    print("torchvision", torchvision.__version__, "torch", torch.__version__, "->", OUT)


if __name__ == "__main__":
    main()
