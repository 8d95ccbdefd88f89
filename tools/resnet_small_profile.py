"""Per-op CPU profile of the small ResNet training step in PyTorch (issue 15, docs/benchmarks.md 2026-12-08).

Networks.resnetSmall(3, 32, 32, 10) in torch.nn (stem conv 16, BasicBlocks of 16, 32 and 64 filters, the last two
at stride 2 with 1x1 projection shortcuts, global average pool, dense 10), batch 64 of uniform images, Adam 1e-3,
one thread. Prints the unprofiled step time (thread CPU, min and median of 20) and torch.profiler's per-op table
grouped by input shape over 10 steps. Run: /usr/bin/python3 tools/resnet_small_profile.py
"""
import torch, torch.nn as nn, time
torch.set_num_threads(1)
torch.manual_seed(0)
def block(c,f,s):
    main = nn.Sequential(nn.Conv2d(c,f,3,s,1,bias=False), nn.BatchNorm2d(f), nn.ReLU(), nn.Conv2d(f,f,3,1,1,bias=False), nn.BatchNorm2d(f))
    sc = nn.Sequential(nn.Conv2d(c,f,1,s,bias=False), nn.BatchNorm2d(f)) if (s!=1 or c!=f) else nn.Identity()
    return main, sc
class Blk(nn.Module):
    def __init__(s,c,f,st):
        super().__init__(); s.m, s.s = block(c,f,st)
    def forward(s,x): return torch.relu(s.m(x)+s.s(x))
net = nn.Sequential(nn.Conv2d(3,16,3,1,1,bias=False), nn.BatchNorm2d(16), nn.ReLU(), Blk(16,16,1), Blk(16,32,2), Blk(32,64,2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64,10))
opt = torch.optim.Adam(net.parameters(), 1e-3)
x = torch.rand(64,3,32,32); y = torch.randint(0,10,(64,))
lossf = nn.CrossEntropyLoss()
def step():
    opt.zero_grad(); l = lossf(net(x), y); l.backward(); opt.step()
for _ in range(5): step()
ts=[]
for _ in range(20):
    t=time.thread_time(); step(); ts.append(time.thread_time()-t)
print("torch", torch.__version__, "step min %.2f ms med %.2f" % (min(ts)*1e3, sorted(ts)[10]*1e3))
from torch.profiler import profile, ProfilerActivity
with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as p:
    for _ in range(10): step()
print(p.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=40))
