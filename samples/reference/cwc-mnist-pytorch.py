# Cross-check, not part of the build or the tests: the CwC-FF MNIST recipe (Papachristodoulou et al., AAAI 2024; the
# schedule of the reference code andreaspapac/CwComp) written again in plain PyTorch, to tell our implementation's
# result apart from the recipe's. Blocks conv3x3 -> ReLU -> MaxPool2 (blocks 1, 3) -> BatchNorm(eps 1e-4), channels
# [20, 80, 240, 480], groups [1, 10, 1, 10]; class goodness = mean square of each class's channel group; loss =
# cross-entropy over it; one Adam (lr 0.01) per block; batch 128; block i learns in epochs [0, end_i) and then only
# forwards (BatchNorm in training mode, as the reference's model does); after every step a prediction pass in
# training mode (the reference computes training accuracy so, which also moves BatchNorm's running statistics);
# test accuracy (GA: argmax of the last block's class goodness, BatchNorm on running statistics) after every epoch.
#   sudo apt-get install python3-torch python3-numpy     # Debian 12: PyTorch 1.13
#   /usr/bin/python3 samples/reference/cwc-mnist-pytorch.py [seed=1] [epochs=6] [ends=2,3,4,5] [prediction-pass=1] [data=samples/data/mnist]
import gzip, struct, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(2)
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 6
ends = [int(e) for e in (sys.argv[3] if len(sys.argv) > 3 else "2,3,4,5").split(",")]
predict_pass = (sys.argv[4] if len(sys.argv) > 4 else "1") == "1"
torch.manual_seed(seed); np.random.seed(seed)

def idx(path):
    with gzip.open(path) as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)
d = (sys.argv[5] if len(sys.argv) > 5 else "samples/data/mnist").rstrip("/") + "/"
def images(name): return torch.tensor(idx(d + name).astype(np.float32) / 255.0).unsqueeze(1).sub(0.1307).div(0.3081)
xtr, ytr = images("train-images-idx3-ubyte.gz"), torch.tensor(idx(d + "train-labels-idx1-ubyte.gz").astype(np.int64))
xte, yte = images("t10k-images-idx3-ubyte.gz"), torch.tensor(idx(d + "t10k-labels-idx1-ubyte.gz").astype(np.int64))

class Block(nn.Module):
    def __init__(self, cin, cout, groups, pool):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, groups=groups)
        self.pool = pool
        self.bn = nn.BatchNorm2d(cout, eps=1e-4)
        self.opt = torch.optim.Adam(self.parameters(), lr=0.01)
    def forward(self, x):
        x = F.relu(self.conv(x))
        if self.pool: x = F.max_pool2d(x, 2, 2)
        return self.bn(x)

def goodness(y):  # B x C(classes)
    return torch.stack([g.pow(2).mean((1, 2, 3)) for g in torch.split(y, y.shape[1] // 10, dim=1)], 1)

chans, groups = [20, 80, 240, 480], [1, 10, 1, 10]
blocks = nn.ModuleList()
cin = 1
for i, c in enumerate(chans):
    blocks.append(Block(cin, c, groups[i], i % 2 == 1)); cin = c

def predict(x):
    h = x
    for b in blocks: h = b(h).detach()
    return goodness(h).argmax(1)

for epoch in range(epochs):
    t0 = time.time(); blocks.train()
    perm = torch.randperm(len(xtr)); losses = [[] for _ in blocks]
    for s in range(0, len(xtr), 128):
        ix = perm[s:s + 128]; h, y = xtr[ix], ytr[ix]
        for i, b in enumerate(blocks):
            if epoch < ends[i]:
                out = b(h); loss = F.cross_entropy(goodness(out), y)
                b.opt.zero_grad(); loss.backward(); b.opt.step(); losses[i].append(loss.item())
                h = out.detach()
            else:
                with torch.no_grad(): h = b(h)
        if predict_pass:
            with torch.no_grad(): predict(xtr[ix])
    blocks.eval(); correct = 0
    with torch.no_grad():
        for s in range(0, len(xte), 500): correct += (predict(xte[s:s + 500]) == yte[s:s + 500]).sum().item()
    print(f"epoch {epoch + 1}: losses {[round(float(np.mean(l)), 4) if l else None for l in losses]} test GA {correct / 100:.2f} % ({time.time() - t0:.0f} s)", flush=True)
