#!/usr/bin/python3
"""The pytorch-py peer of `aiaas bench`: the MLP workloads and the GPT training step in PyTorch (Debian's python3-torch).

Runs the same work as the JVM engines (docs/benchmarks.md): a training step of an MLP (forward,
softmax cross-entropy, backward, Adam with lr 1e-3, betas 0.9/0.999, eps 1e-8) or one inference
call, on the same seeded float32 inputs and He-uniform weights (zero biases) as SameDiff, DJL and
ONNX Runtime: the streams of Java's SplittableRandom (SplitMix64), reproduced with NumPy below.

For each benchmark and thread count it calls torch.set_num_threads(t) (and openblas_set_num_threads(t)
when the BLAS behind torch is OpenBLAS, whose own pool torch does not size), warms up for --warmup
seconds, then runs --repeats timed repeats of at least --repeat-seconds and --min-steps steps each,
timing every step alone, and prints the rows `aiaas bench` writes for that setting
(benchmark,engine,metric,value,unit): step_ms_t<t>, step_ms_p10_t<t>, step_ms_p90_t<t>,
steps_t<t>, gflops_t<t>. Progress goes to standard error.

    /usr/bin/python3 aiaas-bench/scripts/pytorch_mlp.py --quick --header > pytorch-py.csv
    /usr/bin/python3 aiaas-bench/scripts/pytorch_mlp.py --benchmark mlp-784-256-10-b128 --threads 2
    /usr/bin/python3 aiaas-bench/scripts/pytorch_mlp.py --check     # the first seeded values (NumPy only)

`aiaas bench` runs this file (from its jar) once per benchmark and thread setting when
/usr/bin/python3 can import torch (engine pytorch-py).
"""

import argparse
import re
import sys
import time

import numpy as np

ENGINE = "pytorch-py"
SEED = 20240501
GAMMA = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1
LEARNING_RATE = 1e-3

SMALL = (784, 256, 10)
LARGE = (784, 2048, 2048, 10)
FULL = ["mlp-784-256-10-b32", "mlp-784-256-10-b128", "mlp-784-256-10-b512", "mlp-bn-gelu-784-256-10-b128", "mlp-784-2048-2048-10-b512",
        "infer-784-256-10-b1", "infer-784-256-10-b128"]
QUICK = ["mlp-784-256-10-b128", "infer-784-256-10-b1", "infer-784-256-10-b128"]


# --- Java's SplittableRandom, value for value -------------------------------------------------

def _mix64(z):
    """Stafford's variant 13 of MurmurHash3's finaliser (SplittableRandom.mix64), on uint64 arrays."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform_doubles(seed, n):
    """The first n values of new SplittableRandom(seed).nextDouble(), as float64."""
    k = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = _mix64(np.uint64(seed & MASK64) + k * np.uint64(GAMMA))  # wraps modulo 2^64, as Java's long does
    return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def features(rows, cols):
    """Inputs.featureValues: x [rows, cols] uniform in [0, 1), float32, row-major."""
    return uniform_doubles(SEED, rows * cols).astype(np.float32).reshape(rows, cols)


def he_uniform(fan_in, fan_out, seed):
    """Inputs.heUniformValues: [fan_in, fan_out], (2u - 1)·sqrt(6 / fan_in), rounded to float32."""
    u = uniform_doubles(seed, fan_in * fan_out)
    return ((2 * u - 1) * np.sqrt(6.0 / fan_in)).astype(np.float32).reshape(fan_in, fan_out)


def labels(rows, classes):
    """Inputs.labels: new SplittableRandom(SEED + 1).nextInt(classes), rows times."""
    state = (SEED + 1) & MASK64
    out = []

    def next_int():
        nonlocal state
        state = (state + GAMMA) & MASK64
        z = state
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
        z = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32
        return z - (1 << 32) if z >= (1 << 31) else z  # Java's (int) cast

    m = classes - 1
    for _ in range(rows):
        r = next_int()
        if classes & m == 0:
            r &= m
        else:
            u = (r & 0xFFFFFFFF) >> 1
            while True:
                r = u % classes
                if u + m - r < (1 << 31):  # Java: u + m - r < 0 in int arithmetic means overflow
                    break
                u = (next_int() & 0xFFFFFFFF) >> 1
        out.append(r)
    return np.array(out, dtype=np.int64)


# --- the workloads -----------------------------------------------------------------------------

def parse_benchmark(name, vocab=None):
    """mlp-784-256-10-b128 -> ("mlp", True, (784, 256, 10), 128, False); infer-... -> ("mlp", False, ...);
    mlp-bn-gelu-... -> ("mlp", True, ..., True): hidden layers as Linear, BatchNorm1d, GELU (tanh form), Dropout(0.2);
    gpt-train-b32-t48 -> ("gpt", 32, 48, vocab): a training step of the CLI's default transformer LM."""
    g = re.fullmatch(r"gpt-train-b(\d+)-t(\d+)", name)
    if g:
        if not vocab or vocab < 4:
            raise SystemExit(f"pytorch_mlp.py: error: {name} needs --vocab V (the vocabulary size, at least 4). Received: {vocab}")
        return ("gpt", int(g.group(1)), int(g.group(2)), vocab)
    m = re.fullmatch(r"(mlp|mlp-bn-gelu|infer)-((?:\d+-)+\d+)-b(\d+)", name)
    if not m:
        raise SystemExit(f"pytorch_mlp.py: error: benchmark '{name}' is not of the form mlp-784-256-10-b128, "
                         f"mlp-bn-gelu-784-256-10-b128, infer-784-256-10-b1 or gpt-train-b32-t48; the benchmarks are {', '.join(FULL)}")
    widths = tuple(int(w) for w in m.group(2).split("-"))
    return ("mlp", m.group(1) != "infer", widths, int(m.group(3)), m.group(1) == "mlp-bn-gelu")


# The network's size (--gpt N,H,D,F,P; aiaas passes TransformerLmOptions.defaults()): N blocks, H heads, width D,
# MLP width F, dropout P.
GPT_SIZE = (2, 4, 128, 512, 0.15)


def gpt_flops(batch, tokens, vocab, size=GPT_SIZE):
    """DecoderTask.flops: three times the forward pass, 2N(4D^2 + 2DF) + 2DV per position."""
    n, _, d, f, _ = size
    per_position = 2.0 * n * (4 * d * d + 2 * d * f) + 2.0 * d * vocab
    return 3 * per_position * tokens * batch


def make_gpt_step(torch, batch, tokens, vocab, size=GPT_SIZE):
    """A training step of a pre-LN GPT of the same sizes as aiaas's (token and learned position
    embeddings, dropout, N x nn.TransformerEncoderLayer(norm_first, GELU, causal mask), LayerNorm,
    Linear(D, V)); mean cross-entropy over the B*T positions; Adam(1e-3). Ids are seeded random
    words in [3, V): speed, not the values, is compared."""
    nn = torch.nn
    GPT_N, GPT_H, GPT_D, GPT_F, GPT_P = size

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, GPT_D)
            self.pos = nn.Parameter(torch.randn(tokens, GPT_D) * 0.02)
            self.drop = nn.Dropout(GPT_P)
            self.blocks = nn.ModuleList([nn.TransformerEncoderLayer(GPT_D, GPT_H, GPT_F, GPT_P, activation="gelu",
                                                                    batch_first=True, norm_first=True) for _ in range(GPT_N)])
            self.norm = nn.LayerNorm(GPT_D)
            self.out = nn.Linear(GPT_D, vocab)
            self.register_buffer("mask", torch.triu(torch.full((tokens, tokens), float("-inf")), diagonal=1))

        def forward(self, x):
            h = self.drop(self.tok(x) + self.pos)
            for b in self.blocks:
                h = b(h, src_mask=self.mask)
            return self.out(self.norm(h))

    torch.manual_seed(SEED)
    model = Gpt()
    model.train()
    rng = np.random.default_rng(SEED)
    x = torch.from_numpy(rng.integers(3, vocab, size=(batch, tokens), dtype=np.int64))
    y = torch.from_numpy(rng.integers(3, vocab, size=(batch * tokens,), dtype=np.int64))
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x).reshape(batch * tokens, vocab), y)
        loss.backward()
        opt.step()
    return step


def flops(train, widths, batch):
    """The arithmetic floor of one step (MlpShape in aiaas-bench)."""
    weights = sum(a * b for a, b in zip(widths, widths[1:]))
    if not train:
        return 2.0 * batch * weights
    return 2.0 * batch * (2 * weights + (weights - widths[0] * widths[1]))


def build(torch, widths, norm=False):
    """nn.Sequential of Linear(+ReLU) layers with the benchmarks' weights; layer l uses seed SEED + l.
    With norm, each hidden Linear is followed by BatchNorm1d (aiaas's and Keras's momentum 0.99, i.e.
    PyTorch's 0.01, and eps 1e-3), GELU in its tanh form and Dropout(0.2) instead of ReLU."""
    layers = []
    for l in range(1, len(widths)):
        lin = torch.nn.Linear(widths[l - 1], widths[l])
        with torch.no_grad():
            # nn.Linear keeps W as [out, in]; ours are [in, out]
            lin.weight.copy_(torch.from_numpy(he_uniform(widths[l - 1], widths[l], SEED + l).T.copy()))
            lin.bias.zero_()
        layers.append(lin)
        if l < len(widths) - 1 and norm:
            layers += [torch.nn.BatchNorm1d(widths[l], momentum=0.01, eps=1e-3), torch.nn.GELU(approximate="tanh"),
                       torch.nn.Dropout(0.2)]
        elif l < len(widths) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_step(torch, train, widths, batch, norm=False):
    model = build(torch, widths, norm)
    x = torch.from_numpy(features(batch, widths[0]))
    if train:
        y = torch.from_numpy(labels(batch, widths[-1]))
        opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
        loss_fn = torch.nn.functional.cross_entropy

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
    else:
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)  # a new tensor, freed when dropped
    return step


def blas_libraries():
    """The BLAS files this process has loaded (Debian's torch calls whatever libblas.so.3 points to)."""
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "blas" in line.split()[-1].rsplit("/", 1)[-1]})


def set_blas_threads(t):
    """openblas_set_num_threads(t) in every loaded OpenBLAS; returns how many were set."""
    import ctypes
    n = 0
    for path in blas_libraries():
        try:
            f = ctypes.CDLL(path).openblas_set_num_threads
        except (OSError, AttributeError):
            continue
        f.argtypes = [ctypes.c_int]
        f(t)
        n += 1
    return n


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
    s = np.format_float_positional(float(v), precision=4, unique=False, fractional=False, trim="-")
    return s.rstrip(".")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--benchmark", action="append", help="a benchmark name (repeatable); default: every MLP benchmark")
    ap.add_argument("--quick", action="store_true", help="the benchmarks of `aiaas bench --quick`, 2 s warm-up, 3 x 0.3 s")
    ap.add_argument("--threads", default="1,2", help="comma-separated torch.set_num_threads settings (default 1,2)")
    ap.add_argument("--warmup", type=float, help="untimed seconds per setting (default 10, 2 with --quick)")
    ap.add_argument("--repeats", type=int, help="timed repeats (default 5, 3 with --quick)")
    ap.add_argument("--repeat-seconds", type=float, help="seconds per repeat (default 1, 0.3 with --quick)")
    ap.add_argument("--min-steps", type=int, default=3, help="least steps per repeat (default 3)")
    ap.add_argument("--header", action="store_true", help="print the CSV header first")
    ap.add_argument("--check", action="store_true", help="print the first seeded values and exit (needs NumPy only)")
    ap.add_argument("--probe", action="store_true", help="print the Python and torch versions and torch's BLAS, and exit")
    ap.add_argument("--vocab", type=int, help="the vocabulary size V of gpt-train-* benchmarks")
    ap.add_argument("--gpt", default="2,4,128,512,0.15", help="the GPT's blocks, heads, width, MLP width, dropout (default 2,4,128,512,0.15)")
    a = ap.parse_args(argv)

    if a.check:
        print("features", " ".join(repr(float(v)) for v in features(2, 784).ravel()[:3]))
        print("w1", " ".join(repr(float(v)) for v in he_uniform(784, 256, SEED + 1).ravel()[:3]))
        print("w2", " ".join(repr(float(v)) for v in he_uniform(256, 10, SEED + 2).ravel()[-3:]))
        print("labels", " ".join(str(int(v)) for v in labels(16, 10)))
        return 0

    warmup = a.warmup if a.warmup is not None else (2.0 if a.quick else 10.0)
    repeats = a.repeats if a.repeats is not None else (3 if a.quick else 5)
    repeat_seconds = a.repeat_seconds if a.repeat_seconds is not None else (0.3 if a.quick else 1.0)
    if warmup < 0 or repeats < 1 or repeat_seconds <= 0 or a.min_steps < 1:
        ap.error(f"need warmup >= 0, repeats >= 1, repeat-seconds > 0, min-steps >= 1. Received: warmup={warmup}, "
                 f"repeats={repeats}, repeat-seconds={repeat_seconds}, min-steps={a.min_steps}")
    try:
        threads = [int(t) for t in a.threads.split(",")]
    except ValueError:
        ap.error(f"--threads must be comma-separated positive integers. Received: {a.threads}")
    if any(t < 1 for t in threads):
        ap.error(f"--threads must be comma-separated positive integers. Received: {a.threads}")
    names = a.benchmark or (QUICK if a.quick else FULL)
    try:
        g = a.gpt.split(",")
        gpt_size = (int(g[0]), int(g[1]), int(g[2]), int(g[3]), float(g[4]))
        if len(g) != 5 or min(gpt_size[:4]) < 1 or gpt_size[2] % gpt_size[1] or not 0 <= gpt_size[4] < 1:
            raise ValueError
    except (ValueError, IndexError):
        ap.error(f"--gpt must be N,H,D,F,P: positive blocks, heads, width (a multiple of heads), MLP width, and dropout in [0, 1). "
                 f"Received: {a.gpt}")
    tasks = [(n, parse_benchmark(n, a.vocab)) for n in names] if not a.probe else []

    import torch  # only now: --check and usage errors need NumPy only

    if a.probe:
        torch.ones(64, 64) @ torch.ones(64, 64)
        print(sys.version.split()[0], torch.__version__, ",".join(blas_libraries()) or "none")
        return 0

    if a.header:
        print("benchmark,engine,metric,value,unit", flush=True)
    for name, spec in tasks:
        for t in threads:
            torch.set_num_threads(t)
            set_blas_threads(t)
            if spec[0] == "gpt":
                _, batch, tokens, vocab = spec
                step, floor = make_gpt_step(torch, batch, tokens, vocab, gpt_size), gpt_flops(batch, tokens, vocab, gpt_size)
            else:
                _, train, widths, batch, norm = spec
                step, floor = make_step(torch, train, widths, batch, norm), flops(train, widths, batch)
            times = measure(step, warmup, repeats, repeat_seconds, a.min_steps)
            median = percentile(times, 0.5) / 1e6
            rows = [("step_ms_t%d" % t, median, "ms"),
                    ("step_ms_p10_t%d" % t, percentile(times, 0.1) / 1e6, "ms"),
                    ("step_ms_p90_t%d" % t, percentile(times, 0.9) / 1e6, "ms"),
                    ("steps_t%d" % t, len(times), "steps"),
                    ("gflops_t%d" % t, floor / (median * 1e6), "GFLOP/s")]
            for metric, value, unit in rows:
                print(f"{name},{ENGINE},{metric},{num(value)},{unit}", flush=True)
            print(f"{name} {ENGINE} t={t}: {num(median)} ms ({len(times)} steps; torch {torch.__version__}, "
                  f"{torch.get_num_threads()} threads)", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
