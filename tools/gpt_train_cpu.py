#!/usr/bin/python3
"""Thread CPU time per training step of the pytorch-py peer's GPT (gpt-train-b32-t48, V 9073), one thread:
the figure to set beside CpuTimeCompare's on a busy machine. Run: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/gpt_train_cpu.py"""
import sys, time
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "..", "aiaas-bench", "scripts"))
import pytorch_mlp as m
import torch
torch.set_num_threads(1); m.set_blas_threads(1)
step = m.make_gpt_step(torch, 32, 48, 9073)
for _ in range(3): step()
ts = []
for _ in range(3):
    for _ in range(3):
        t0 = time.thread_time(); step(); ts.append(time.thread_time() - t0)
ts.sort()
print("pytorch-py gpt-train-b32-t48 thread CPU min %.1f ms median %.1f ms" % (ts[0]*1e3, ts[len(ts)//2]*1e3))
