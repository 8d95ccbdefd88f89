#!/usr/bin/python3
"""The pytorch-py peer of aiaas bench's image rows (issue 16): torchvision 0.14 (Debian's
python3-torchvision) on the JPEGs of a folder, torch on one thread, every step timed alone.

    image-decode-224   one step: one JPEG (the files in turn) opened with PIL, converted to RGB,
                       Resize([224, 224]) (antialiased bilinear), to_tensor, Normalize (ImageNet)
                       into a 1 x 3 x 224 x 224 float tensor
    augment-224-b32    one step: 32 decoded photos (float tensors, decoded before timing) through
                       RandomResizedCrop(224) + RandomHorizontalFlip + ColorJitter(0.4, 0.4, 0.4,
                       0.1) + Normalize, stacked into a 32 x 3 x 224 x 224 batch

It prints the rows benchmark,engine,metric,value,unit of aiaas bench (step_ms_t1, its p10 and p90,
steps_t1) for each benchmark, as aiaas-bench/scripts/pytorch_mlp.py does.

    /usr/bin/python3 torchvision_image.py --photos DIR --benchmark image-decode-224 [--warmup S] ...
    /usr/bin/python3 torchvision_image.py --probe
"""
import argparse
import os
import sys
import time

ENGINE = "pytorch-py"
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
BENCHMARKS = ("image-decode-224", "augment-224-b32")


def percentile(sorted_ns, q):
    """Stats.percentile: linear interpolation between closest ranks."""
    pos = q * (len(sorted_ns) - 1)
    lo = int(pos)
    hi = min(len(sorted_ns) - 1, lo + 1)
    f = pos - lo
    return sorted_ns[lo] * (1 - f) + sorted_ns[hi] * f


def measure(step, warmup, repeats, repeat_seconds, min_steps):
    end = time.perf_counter() + warmup
    step()
    while time.perf_counter() < end:
        step()
    times = []
    for _ in range(repeats):
        end = time.perf_counter() + repeat_seconds
        i = 0
        while i < min_steps or time.perf_counter() < end:
            t0 = time.perf_counter_ns()
            step()
            times.append(time.perf_counter_ns() - t0)
            i += 1
    times.sort()
    return times


def num(v):
    """BenchReport.num: four significant digits, plain notation; integers as integers."""
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    s = f"{v:.4g}"
    if "e" in s:
        s = f"{v:.4f}"
    return s


def make_step(name, files):
    import torch
    import torchvision.transforms as T
    import torchvision.transforms.functional as F
    from PIL import Image

    if name == "image-decode-224":
        state = {"k": 0}

        def step():
            f = files[state["k"] % len(files)]
            state["k"] += 1
            x = F.normalize(F.to_tensor(F.resize(Image.open(f).convert("RGB"), [224, 224])), MEAN, STD)
            return x.unsqueeze(0)
        return step
    augment = T.Compose([T.RandomResizedCrop(224, antialias=False), T.RandomHorizontalFlip(),
                         T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.Normalize(MEAN, STD)])
    decoded = [F.to_tensor(Image.open(files[i % len(files)]).convert("RGB")) for i in range(32)]
    torch.manual_seed(16)

    def step():
        return torch.stack([augment(x) for x in decoded])
    return step


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--benchmark", action="append", choices=BENCHMARKS, help="a benchmark (repeatable); default: both")
    ap.add_argument("--photos", help="the folder of JPEGs")
    ap.add_argument("--threads", default="1", help="torch.set_num_threads (default 1)")
    ap.add_argument("--warmup", type=float, default=10.0, help="untimed seconds (default 10)")
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats (default 5)")
    ap.add_argument("--repeat-seconds", type=float, default=1.0, help="seconds per repeat (default 1)")
    ap.add_argument("--min-steps", type=int, default=3, help="least steps per repeat (default 3)")
    ap.add_argument("--probe", action="store_true", help="print the Python, torch, torchvision and PIL versions, and exit")
    a = ap.parse_args(argv)

    import torch
    import torchvision
    import PIL

    if a.probe:
        print(sys.version.split()[0], torch.__version__, torchvision.__version__, PIL.__version__)
        return 0
    if not a.photos:
        ap.error("--photos DIR is required")
    files = sorted(os.path.join(a.photos, f) for f in os.listdir(a.photos) if f.lower().endswith((".jpg", ".jpeg")))
    if not files:
        ap.error(f"--photos {a.photos} has no .jpg or .jpeg file")
    t = int(a.threads)
    torch.set_num_threads(t)
    for name in a.benchmark or BENCHMARKS:
        times = measure(make_step(name, files), a.warmup, a.repeats, a.repeat_seconds, a.min_steps)
        rows = [("step_ms_t%d" % t, percentile(times, 0.5) / 1e6, "ms"),
                ("step_ms_p10_t%d" % t, percentile(times, 0.1) / 1e6, "ms"),
                ("step_ms_p90_t%d" % t, percentile(times, 0.9) / 1e6, "ms"),
                ("steps_t%d" % t, len(times), "steps")]
        for metric, value, unit in rows:
            print(f"{name},{ENGINE},{metric},{num(value)},{unit}", flush=True)
        print(f"{name} {ENGINE} t={t}: {num(percentile(times, 0.5) / 1e6)} ms ({len(times)} steps; torchvision "
              f"{torchvision.__version__}, {len(files)} photos)", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
