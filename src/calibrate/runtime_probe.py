"""Runtime probe for `stratus profile runtime`.

Measures, on one vCPU, what the Python stacks that LambdaML-style workers run
cost: interpreter/framework import time, a training step (fitted by Stratus as
step_time = overhead + flops / rate), text parsing of training data, and the
serialisation of a model or gradient for the storage channel.

What is timed mirrors DS3Lab/LambdaML:
  * LR step (pytorch): torch.nn.Linear(D, 2) + CrossEntropyLoss + SGD, with the
    per-step gradient export to numpy (concatenate), the averaged gradient put
    back with torch.from_numpy, then optimizer.step()
    (examples/lambda/s3/linear_s3_ga_ma.py, model/linear_models.py).
  * LR step (numpy): the same step written by hand in numpy (sigmoid, X^T(h-y),
    update); LambdaML itself has no numpy LR, this is the "numpy port" baseline.
  * CNN steps (pytorch): a small conv/BN/ReLU net and LambdaML's CIFAR
    MobileNet and ResNet50 (model/deep_models.py) on 32x32x3 images,
    F.cross_entropy, backward, SGD step, on the CPU (examples/lambda/s3/dl_s3.py);
    each network's arithmetic intensity is counted from the modules it runs, so
    Stratus can interpolate a network's rate by its intensity.
  * parse: text decoded from bytes, split into lines, each line split in pure
    Python; pytorch builds one tensor per row (dense) or a torch.sparse tensor
    per row (libsvm), as data_loader/libsvm_dataset.py does.
  * serialize: numpy tobytes/frombuffer (linear-model channel,
    communicator/s3_primitive.py); pickle of a list of per-layer numpy arrays
    (deep-model channel, communicator/s3_primitive_nn.py, dl_s3.py).

  * install (only with --install): a fresh virtual environment from this
    interpreter and `pip install --no-cache-dir` of the framework at the
    versions imported here, from the package registry, as a fresh VM sets up
    before it trains; timed whole, then deleted.

Standalone: stdlib plus numpy/torch when importable. Inputs are deterministic.
Without --install it writes no files and uses no network; with it, it writes
a temporary environment and downloads from the package registry. One JSON
object goes to stdout; progress goes to stderr.
"""

import os

# One thread per framework, so that every number is per vCPU. Must precede the
# numpy/torch imports.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import gc
import json
import pickle
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SEED = 20240611
CNN_CLASSES = 10


def log(msg):
    sys.stderr.write("runtime_probe: " + msg + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# timing helpers
# --------------------------------------------------------------------------

def time_repeated(fn, budget_s, min_samples=5, max_samples=200, warmup=2):
    """Median seconds of one call of fn.

    Calls are grouped so that each timed sample lasts at least ~2 ms (timer
    noise stays small for microsecond steps); samples are collected until the
    budget is spent, at least min_samples of them.
    """
    for _ in range(warmup):
        fn()
    # calibrate the group size on one call
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    group = max(1, min(10000, int(0.002 / one)))
    samples = []
    gc.collect()
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        for _ in range(group):
            fn()
        samples.append((time.perf_counter() - t0) / group)
        if len(samples) >= max_samples:
            break
        if len(samples) >= min_samples and time.perf_counter() - start >= budget_s:
            break
    return statistics.median(samples)


def time_each(fn, reps):
    """Median wall time of reps calls (for calls long enough to time alone)."""
    samples = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def subprocess_seconds(code, reps=3):
    """Median wall time of a fresh interpreter running `code`."""
    env = dict(os.environ)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError("python -c %r exited with %d" % (code, proc.returncode))
        samples.append(elapsed)
    return statistics.median(samples)


def release(version):
    """A version as the package registry names it: without a local `+cpu` tag."""
    return str(version).split("+")[0]


def tree_bytes(root):
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
    return total


def measure_install(requirements):
    """Wall time to set up `requirements` on a fresh machine: a new virtual
    environment from this interpreter, then `pip install --no-cache-dir` from
    the package registry. Deleted afterwards. {"absent": why} when pip fails."""
    log("  install %s: a fresh environment and pip, no cache" % " ".join(requirements))
    root = tempfile.mkdtemp(prefix="stratus-install-")
    env = os.path.join(root, "env")
    python = os.path.join(env, "Scripts" if os.name == "nt" else "bin", "python")
    steps = [[sys.executable, "-m", "venv", env],
             [python, "-m", "pip", "install", "--no-cache-dir", "--quiet",
              "--disable-pip-version-check"] + requirements]
    try:
        t0 = time.perf_counter()
        for command in steps:
            proc = subprocess.run(command, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if proc.returncode != 0:
                tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                return {"absent": "`%s` exited with %d: %s" % (
                    " ".join(command[1:4]), proc.returncode, " ".join(tail))}
        seconds = time.perf_counter() - t0
        size = tree_bytes(env)
        log("  install: %.1f s, %.0f MB" % (seconds, size / 1e6))
        return {"seconds": seconds, "bytes": size, "requirements": requirements}
    except OSError as exc:
        return {"absent": "cannot create an environment: %s" % exc}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def import_error(module):
    try:
        __import__(module)
        return None
    except Exception as exc:  # ImportError, or a broken binary (OSError, ...)
        text = str(exc) or type(exc).__name__
        if not isinstance(exc, ImportError):
            text = "%s: %s" % (type(exc).__name__, text)
        return text


# --------------------------------------------------------------------------
# FLOP counts
# --------------------------------------------------------------------------

def lr_flops(batch, features):
    # What Stratus counts for a binary LR training step.
    return 4 * batch * features + 32 * batch


# Small CNN: (in_channels, out_channels, kernel, stride, padding) per conv,
# each followed by BatchNorm + ReLU; then global average pool and a linear
# layer. Shapes of the LambdaML MobileNet/ResNet CIFAR nets, scaled down.
CNN_CONVS = [(3, 16, 3, 1, 1), (16, 32, 3, 2, 1), (32, 32, 3, 1, 1), (32, 64, 3, 2, 1)]
CNN_IMAGE = 32
# LambdaML's CIFAR MobileNet (model/deep_models.py): a stride-1 3x3 stem, then
# depthwise-separable blocks, (channels, stride) where the stride is not 1.
MOBILENET_CFG = [64, (128, 2), 128, (256, 2), 256, (512, 2), 512, 512, 512, 512, 512,
                 (1024, 2), 1024]
# LambdaML's CIFAR ResNet50: Bottleneck blocks [3, 4, 6, 3] after a stride-1 3x3 stem,
# (planes, blocks, first stride) per stage.
RESNET50_STAGES = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]
# Weights are read once a mini-batch; LambdaML's 256 images a worker amortise them.
WEIGHTS_AMORTISED_OVER = 256
F32 = 4


# --------------------------------------------------------------------------
# deterministic training text
# --------------------------------------------------------------------------

def csv_text(target_bytes, features=28, seed=SEED):
    """Higgs-like dense lines: label then 28 floats, comma separated."""
    rng = random.Random(seed)
    lines = []
    size = 0
    while size < target_bytes:
        label = "1" if rng.random() < 0.53 else "0"
        vals = ["%.9f" % rng.gauss(0.0, 1.0) for _ in range(features)]
        line = label + "," + ",".join(vals)
        lines.append(line)
        size += len(line) + 1
    return ("\n".join(lines) + "\n").encode("utf-8")


RCV1_DIM = 47236


def libsvm_text(target_bytes, nnz=75, dim=RCV1_DIM, seed=SEED + 1):
    """RCV1-like sparse lines: +1/-1 label then ~75 sorted idx:val tokens."""
    rng = random.Random(seed)
    lines = []
    size = 0
    while size < target_bytes:
        label = "1" if rng.random() < 0.5 else "-1"
        k = max(1, min(dim, int(rng.gauss(nnz, 15))))
        idx = sorted(rng.sample(range(1, dim + 1), k))
        toks = ["%d:%.6f" % (i, rng.random() * 0.2) for i in idx]
        line = label + " " + " ".join(toks)
        lines.append(line)
        size += len(line) + 1
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# parsers, one per framework
# --------------------------------------------------------------------------

def parse_csv_python(data):
    rows = []
    labels = []
    for line in data.decode("utf-8").split("\n"):
        line = line.strip("\n")
        if not line:
            continue
        splits = line.split(",")
        labels.append(int(splits[0]))
        rows.append([float(v) for v in splits[1:]])
    return rows, labels


def parse_libsvm_python(data):
    # data_loader/libsvm_dataset.py SparseDatasetWithLines.parse_line,
    # without the tensor construction.
    rows = []
    labels = []
    for line in data.decode("utf-8").split("\n"):
        line = line.strip("\n")
        splits = line.split()
        if len(splits) < 1:
            continue
        label = int(splits[0])
        if label == -1:
            label = 0
        cols = []
        values = []
        for item in splits[1:]:
            tup = item.split(":")
            cols.append(int(tup[0]) - 1)
            values.append(float(tup[1]))
        rows.append((cols, values))
        labels.append(label)
    return rows, labels


def make_numpy_parsers(np):
    import io

    def parse_csv(data):
        arr = np.loadtxt(io.StringIO(data.decode("utf-8")), delimiter=",",
                         dtype=np.float32, ndmin=2)
        return arr[:, 1:], arr[:, 0].astype(np.int64)

    def parse_libsvm(data):
        # No native libsvm reader in numpy: per line, one vectorised
        # string-to-float conversion, assembled as CSR arrays.
        indptr = [0]
        idx_parts = []
        val_parts = []
        labels = []
        for line in data.decode("utf-8").split("\n"):
            if not line:
                continue
            arr = np.array(line.replace(":", " ").split(), dtype=np.float64)
            labels.append(arr[0])
            idx_parts.append(arr[1::2].astype(np.int32) - 1)
            val_parts.append(arr[2::2].astype(np.float32))
            indptr.append(indptr[-1] + len(idx_parts[-1]))
        indices = np.concatenate(idx_parts)
        values = np.concatenate(val_parts)
        return (np.array(indptr, dtype=np.int64), indices, values,
                np.array(labels) > 0)

    return parse_csv, parse_libsvm


def make_torch_parsers(torch, np):
    def parse_csv(data):
        # DenseDatasetWithLines: Python split per line, one tensor per row,
        # its numpy view kept, np.array of all rows at the end.
        ins_list = []
        ins_np = []
        labels = []
        for line in data.decode("utf-8").split("\n"):
            line = line.strip("\n")
            splits = line.split(",")
            if len(splits) < 2:
                continue
            labels.append(int(splits[0]))
            vector = torch.tensor([float(v) for v in splits[1:]], dtype=torch.float32)
            ins_list.append(vector)
            if np is not None:
                ins_np.append(vector.numpy())
        if np is not None:
            np.array(ins_np)
            np.array(labels).reshape(len(labels), 1)
        return ins_list, labels

    # torch.sparse.FloatTensor(i, v, size) in LambdaML (legacy, unchecked); PyTorch before
    # 2.0 has no check_invariants and does not check either.
    try:
        torch.sparse_coo_tensor(torch.zeros(2, 0, dtype=torch.int64), torch.zeros(0), (1, 1),
                                check_invariants=False)
        unchecked = {"check_invariants": False}
    except TypeError:
        unchecked = {}

    def parse_libsvm(data):
        # SparseDatasetWithLines: one torch sparse [1, dim] tensor per row.
        ins_list = []
        labels = []
        size = torch.Size([1, RCV1_DIM])
        for line in data.decode("utf-8").split("\n"):
            line = line.strip("\n")
            splits = line.split()
            if len(splits) < 1:
                continue
            label = int(splits[0])
            if label == -1:
                label = 0
            indices_row = []
            indices_col = []
            values = []
            for item in splits[1:]:
                tup = item.split(":")
                indices_row.append(0)
                indices_col.append(int(tup[0]) - 1)
                values.append(float(tup[1]))
            i = torch.tensor([indices_row, indices_col], dtype=torch.int64)
            v = torch.tensor(values, dtype=torch.float32)
            ins_list.append(torch.sparse_coo_tensor(i, v, size, **unchecked))
            labels.append(label)
        return ins_list, labels

    return parse_csv, parse_libsvm


def measure_parse(parsers, texts, reps):
    out = []
    for fmt, parse in parsers:
        data = texts[fmt]
        seconds = time_each(lambda: parse(data), reps)
        out.append({"format": fmt, "bytes": len(data), "seconds": seconds})
        log("  parse %-6s %8d bytes: %.4f s (%.1f MB/s)"
            % (fmt, len(data), seconds, len(data) / seconds / 1e6))
    return out


# --------------------------------------------------------------------------
# LR steps
# --------------------------------------------------------------------------

def float32_normals(np, seed, shape):
    """Seeded standard normals in float32 (NumPy before 1.17 has no default_rng)."""
    if hasattr(np.random, "default_rng"):
        return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)
    return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)


def numpy_lr_step_fn(np, batch, features):
    x = float32_normals(np, SEED + batch * 7 + features, (batch, features))
    y = (float32_normals(np, SEED + batch, batch) < 0.0).astype(np.float32)
    state = {"w": np.zeros(features, dtype=np.float32), "b": np.float32(0.0)}
    lr = np.float32(0.01)
    eps = np.float32(1e-7)

    def step():
        w = state["w"]
        z = x @ w + state["b"]
        h = 1.0 / (1.0 + np.exp(-z))
        loss = np.mean(-y * np.log(h + eps) - (1.0 - y) * np.log(1.0 - h + eps))
        err = h - y
        grad_w = (x.T @ err) / np.float32(batch)
        grad_b = np.mean(err)
        state["w"] = w - lr * grad_w
        state["b"] = state["b"] - lr * grad_b
        return loss

    return step


def torch_lr_step_fn(torch, np, batch, features, n_workers=1):
    gen = torch.Generator().manual_seed(SEED + batch * 7 + features)
    items = torch.randn(batch, features, generator=gen)
    labels = torch.randint(0, 2, (batch,), generator=gen)
    model = torch.nn.Linear(features, 2)  # LambdaML: n_classes = 2
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    state = {"epoch_loss": torch.zeros(())}

    def step():
        x = items.view(-1, features)
        optimizer.zero_grad()
        outputs = model(x)
        loss = criterion(outputs, labels)
        state["epoch_loss"] += loss.data
        loss.backward()
        # grad_avg/reduce: export the gradient as one flat vector, put the
        # (here unchanged) average back. The storage round trip is not timed.
        if np is not None:
            w_grad = model.weight.grad.data.numpy()
            w_shape = w_grad.shape
            b_grad = model.bias.grad.data.numpy()
            b_shape = b_grad.shape
            w_b = np.concatenate((w_grad.flatten(), b_grad.flatten()))
            n_w = w_shape[0] * w_shape[1]
            w_merge = w_b[:n_w].reshape(w_shape) / float(n_workers)
            b_merge = w_b[n_w:].reshape(b_shape[0]) / float(n_workers)
            model.weight.grad = torch.from_numpy(w_merge)
            model.bias.grad = torch.from_numpy(b_merge)
        else:
            w_b = torch.cat((model.weight.grad.flatten(), model.bias.grad.flatten()))
            n_w = model.weight.numel()
            model.weight.grad = w_b[:n_w].reshape(model.weight.shape) / float(n_workers)
            model.bias.grad = w_b[n_w:] / float(n_workers)
        optimizer.step()

    return step


def torch_networks(torch):
    """The networks timed, by name: builders of fresh torch modules."""
    nn = torch.nn

    class Flatten(nn.Module):  # nn.Flatten arrived in PyTorch 1.2; LambdaML ran 1.0.1
        def forward(self, x):
            return x.view(x.size(0), -1)

    def small():
        layers = []
        for cin, cout, k, stride, pad in CNN_CONVS:
            layers += [nn.Conv2d(cin, cout, kernel_size=k, stride=stride, padding=pad,
                                 bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
        layers += [nn.AdaptiveAvgPool2d(1), Flatten(),
                   nn.Linear(CNN_CONVS[-1][1], CNN_CLASSES)]
        return nn.Sequential(*layers)

    def conv_bn_relu(cin, cout, k, stride, groups=1):
        return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                nn.BatchNorm2d(cout), nn.ReLU()]

    def mobilenet():
        layers, cin = conv_bn_relu(3, 32, 3, 1), 32
        for x in MOBILENET_CFG:
            cout, stride = (x, 1) if isinstance(x, int) else x
            layers += conv_bn_relu(cin, cin, 3, stride, groups=cin) + conv_bn_relu(cin, cout, 1, 1)
            cin = cout
        layers += [nn.AvgPool2d(2), Flatten(), nn.Linear(1024, CNN_CLASSES)]
        return nn.Sequential(*layers)

    class Bottleneck(nn.Module):
        def __init__(self, cin, planes, stride):
            super().__init__()
            self.body = nn.Sequential(*(conv_bn_relu(cin, planes, 1, 1)
                                        + conv_bn_relu(planes, planes, 3, stride)),
                                      nn.Conv2d(planes, 4 * planes, 1, bias=False),
                                      nn.BatchNorm2d(4 * planes))
            self.shortcut = nn.Sequential()
            if stride != 1 or cin != 4 * planes:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, 4 * planes, 1, stride, bias=False),
                                              nn.BatchNorm2d(4 * planes))
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.body(x) + self.shortcut(x))

    def resnet50():
        layers, cin = conv_bn_relu(3, 64, 3, 1), 64
        for planes, blocks, first_stride in RESNET50_STAGES:
            for b in range(blocks):
                layers.append(Bottleneck(cin, planes, first_stride if b == 0 else 1))
                cin = 4 * planes
        layers += [nn.AvgPool2d(4), Flatten(), nn.Linear(2048, CNN_CLASSES)]
        return nn.Sequential(*layers)

    return {"cnn": small, "mobilenet": mobilenet, "resnet50": resnet50}


def count_network(torch, net):
    """(forward multiply-adds, bytes of memory traffic) of one sample through `net`.

    Counted from the modules a forward pass runs, for eager PyTorch in fp32 (each
    layer its own pass over memory): a convolution or linear layer reads its input,
    writes its output and reads its weights once a mini-batch (WEIGHTS_AMORTISED_OVER
    images); a training-mode BatchNorm reads its input twice (statistics, then
    normalisation) and writes its output; a ReLU reads and writes; a residual sum
    (a Bottleneck's) reads two and writes one. The backward pass moves twice the
    forward traffic and does twice the FLOPs, so training's intensity is 2 FLOPs a
    multiply-add over the forward bytes.
    """
    nn = torch.nn
    totals = {"macs": 0, "bytes": 0.0}

    def hook(module, inputs, output):
        n_in, n_out = inputs[0][0].numel(), output[0].numel()
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            weights = module.weight.numel()
            per_output = weights // (module.out_channels if isinstance(module, nn.Conv2d)
                                     else module.out_features)
            totals["macs"] += n_out * per_output
            totals["bytes"] += F32 * (n_in + n_out + weights / WEIGHTS_AMORTISED_OVER)
        elif isinstance(module, nn.BatchNorm2d):
            totals["bytes"] += F32 * 3 * n_in
        elif isinstance(module, nn.ReLU):
            totals["bytes"] += F32 * 2 * n_in
        elif type(module).__name__ == "Bottleneck":
            totals["bytes"] += F32 * 3 * n_out

    handles = [m.register_forward_hook(hook) for m in net.modules()]
    net.eval()
    with torch.no_grad():
        net(torch.zeros(1, 3, CNN_IMAGE, CNN_IMAGE))
    for h in handles:
        h.remove()
    return totals["macs"], totals["bytes"]


def torch_cnn_step_fn(torch, net, batch):
    import torch.nn.functional as F
    gen = torch.Generator().manual_seed(SEED + batch)
    inputs = torch.randn(batch, 3, CNN_IMAGE, CNN_IMAGE, generator=gen)
    targets = torch.randint(0, CNN_CLASSES, (batch,), generator=gen)
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        # examples/lambda/s3/dl_s3.py train_one_epoch, communication excluded
        outputs = net(inputs)
        loss = F.cross_entropy(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def lr_grid(quick):
    if quick:
        batches = [10, 1000, 10000]
        features = [28, 1000]
    else:
        batches = [10, 100, 1000, 10000, 100000]
        features = [28, 1000]
    # keep one batch under ~80 MB of float32
    return [(b, d) for d in features for b in batches if b * d <= 2e7]


def network_batches(name, quick):
    """Batch sizes timed for each network: a wide range where a step is cheap."""
    if name == "resnet50":
        return [2, 8] if quick else [2, 8, 32]
    if name == "mobilenet":
        return [4, 32] if quick else [4, 16, 64]
    return [8, 32] if quick else [2, 8, 32, 128]


def measure_lr_steps(make_step, quick, budget):
    out = []
    for batch, features in lr_grid(quick):
        step = make_step(batch, features)
        seconds = time_repeated(step, budget)
        flops = lr_flops(batch, features)
        out.append({"model": "lr", "batch": batch, "features": features,
                    "flops": flops, "seconds": seconds})
        log("  lr  B=%-6d D=%-5d %12d flop: %.3e s" % (batch, features, flops, seconds))
    return out


def measure_network_steps(torch, quick, budget):
    """Training steps of each network across batch sizes, with its counted intensity."""
    out = []
    for name, build in torch_networks(torch).items():
        torch.manual_seed(SEED)
        net = build()
        macs, traffic = count_network(torch, net)
        intensity = 2 * macs / traffic
        log("  %-9s %.1fM multiply-adds, %.2f MB a sample forward: %.1f FLOPs/byte"
            % (name, macs / 1e6, traffic / 1e6, intensity))
        for batch in network_batches(name, quick):
            step = torch_cnn_step_fn(torch, net, batch)
            seconds = time_repeated(step, budget, min_samples=3, warmup=2)
            flops = 6 * macs * batch  # forward + backward ~ 3x the forward, 2 FLOPs a MAC
            out.append({"model": name, "batch": batch, "features": 3 * CNN_IMAGE * CNN_IMAGE,
                        "flops": flops, "flops_per_byte": intensity, "seconds": seconds})
            log("  %-9s B=%-4d %16d flop: %.3e s" % (name, batch, flops, seconds))
    return out


# --------------------------------------------------------------------------
# loader (optional, --loader): DataLoader batching as LambdaML does it
# --------------------------------------------------------------------------

# Rows a worker holds while it batches. Python's collector walks every object the
# process holds, so the cost of a row depends on how many rows sit beside it: the
# probe holds a shard as large as LambdaML's Higgs workers do (11M rows over 10
# workers), not just the batch.
LOADER_SHARD_ROWS = 1000000
LOADER_SHARD_ROWS_QUICK = 100000
LOADER_FEATURES = 28


def loader_batches(quick):
    return [1000, 10000] if quick else [1000, 10000, 100000]


def measure_torch_loader(torch, quick):
    """Seconds per batch of one full pass of a DataLoader over a held shard.

    The shard is one float32 tensor a row and a Python int label a row, read through
    SubsetRandomSampler in batches, as data_loader/libsvm_dataset.py and
    examples/lambda/elasticache/linear_ec_ga_ma.py do. Each batch size gets whole
    passes over the shard (the best of two), so collection pauses are counted as a
    real epoch meets them.
    """
    from torch.utils.data import DataLoader, Dataset
    from torch.utils.data.sampler import SubsetRandomSampler

    class Rows(Dataset):
        def __init__(self, ins, labels):
            self.ins = ins
            self.labels = labels

        def __getitem__(self, index):
            return self.ins[index], self.labels[index]

        def __len__(self):
            return len(self.labels)

    n = LOADER_SHARD_ROWS_QUICK if quick else LOADER_SHARD_ROWS
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    data = torch.randn(n, LOADER_FEATURES, generator=gen)
    rows = [data[i].clone() for i in range(n)]
    labels = [i % 2 for i in range(n)]
    del data
    dataset = Rows(rows, labels)
    out = []
    for batch in loader_batches(quick):
        loader = DataLoader(dataset, batch_size=batch,
                            sampler=SubsetRandomSampler(list(range(n))))
        best = None
        for _ in range(1 if quick else 2):
            t0 = time.perf_counter()
            batches = 0
            for _items, _labels in loader:
                batches += 1
            seconds = (time.perf_counter() - t0) / batches
            best = seconds if best is None else min(best, seconds)
        out.append({"model": "lr", "batch": batch, "features": LOADER_FEATURES,
                    "flops": lr_flops(batch, LOADER_FEATURES), "seconds": best,
                    "shard_rows": n})
        log("  loader B=%-6d shard %d rows: %.3e s a batch, %.2f us a row"
            % (batch, n, best, best / batch * 1e6))
    del rows, labels, dataset
    return out


# --------------------------------------------------------------------------
# serialisation
# --------------------------------------------------------------------------

def serialize_sizes(quick):
    return [28, 1000000] if quick else [28, 1000000, 25000000]


def layer_split(n):
    """Split n values into per-layer sizes (a model is a list of layers)."""
    if n < 1000:
        return [n]
    parts = 8
    base = n // parts
    sizes = [base] * parts
    sizes[-1] += n - base * parts
    return sizes


def measure_numpy_serialize(np, quick):
    # Linear-model channel: vector.tobytes() then np.frombuffer(...).reshape().
    out = []
    for n in serialize_sizes(quick):
        vec = float32_normals(np, SEED, n)
        shape = vec.shape
        dtype = vec.dtype

        def roundtrip():
            data = vec.tobytes()
            return np.frombuffer(data, dtype=dtype).reshape(shape)

        seconds = time_repeated(roundtrip, 0.2, min_samples=3, max_samples=50)
        out.append({"bytes": n * 4, "seconds": seconds})
        log("  serialize %10d bytes: %.3e s" % (n * 4, seconds))
    return out


def measure_torch_serialize(torch, np, quick):
    # Deep-model channel: [p.grad.data.numpy() for p in params] pickled, loaded,
    # each layer back with torch.from_numpy.
    out = []
    for n in serialize_sizes(quick):
        gen = torch.Generator().manual_seed(SEED)
        layers = [torch.randn(k, generator=gen) for k in layer_split(n)]

        if np is not None:
            def roundtrip():
                data = pickle.dumps([t.data.numpy() for t in layers])
                return [torch.from_numpy(a) for a in pickle.loads(data)]
        else:
            def roundtrip():
                data = pickle.dumps([t.data for t in layers])
                return pickle.loads(data)

        seconds = time_repeated(roundtrip, 0.2, min_samples=3, max_samples=50)
        out.append({"bytes": n * 4, "seconds": seconds})
        log("  serialize %10d bytes: %.3e s" % (n * 4, seconds))
        del layers
    return out


# --------------------------------------------------------------------------
# per framework
# --------------------------------------------------------------------------

def probe_python(texts, quick):
    log("python %s" % platform.python_version())
    import_s = subprocess_seconds("pass")
    log("  start-up: %.3f s" % import_s)
    parse = measure_parse([("csv", parse_csv_python), ("libsvm", parse_libsvm_python)],
                          texts, 1 if quick else 3)
    return {"version": platform.python_version(), "import_s": import_s,
            "steps": [], "parse": parse, "serialize": []}


def probe_numpy(texts, quick, budget, install):
    import numpy as np
    log("numpy %s" % np.__version__)
    import_s = subprocess_seconds("import numpy")
    log("  import: %.3f s" % import_s)
    steps = measure_lr_steps(lambda b, d: numpy_lr_step_fn(np, b, d), quick, budget)
    parse_csv, parse_libsvm = make_numpy_parsers(np)
    parse = measure_parse([("csv", parse_csv), ("libsvm", parse_libsvm)],
                          texts, 1 if quick else 3)
    serialize = measure_numpy_serialize(np, quick)
    entry = {"version": np.__version__, "import_s": import_s, "steps": steps,
             "parse": parse, "serialize": serialize}
    if install:
        entry["install"] = measure_install(["numpy==%s" % release(np.__version__)])
    return entry


def probe_torch(texts, quick, budget, loader, install):
    import torch
    try:
        import numpy as np
    except Exception:
        np = None
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except (RuntimeError, AttributeError):  # already set, or a PyTorch before 1.2
        pass  # already set, or parallel work already started
    version = torch.__version__
    log("pytorch %s (%d thread)" % (version, torch.get_num_threads()))
    import_s = subprocess_seconds("import torch")
    log("  import: %.3f s" % import_s)
    steps = measure_lr_steps(lambda b, d: torch_lr_step_fn(torch, np, b, d), quick, budget)
    steps += measure_network_steps(torch, quick, budget)
    parse_csv, parse_libsvm = make_torch_parsers(torch, np)
    parse = measure_parse([("csv", parse_csv), ("libsvm", parse_libsvm)],
                          texts, 1 if quick else 3)
    serialize = measure_torch_serialize(torch, np, quick)
    entry = {"version": str(version), "import_s": import_s, "steps": steps,
             "parse": parse, "serialize": serialize}
    if loader:
        entry["loader"] = measure_torch_loader(torch, quick)
    if install:
        # LambdaML's workers import numpy beside torch (the gradient goes through it).
        requirements = ["torch==%s" % release(version)]
        if np is not None:
            requirements.append("numpy==%s" % release(np.__version__))
        entry["install"] = measure_install(requirements)
    return entry


def print_network_counts():
    """The counts `profiles/workloads.toml` takes its CNNs' intensity from."""
    import torch
    for name, build in torch_networks(torch).items():
        net = build()
        macs, traffic = count_network(torch, net)
        params = sum(p.numel() for p in net.parameters() if p.dim() > 1)
        print("%s: %.2fM weights, %.1fM multiply-adds forward, %.2f MB forward traffic a "
              "sample, %.1f FLOPs per byte" % (name, params / 1e6, macs / 1e6, traffic / 1e6,
                                               2 * macs / traffic))
    return 0


def processor_name():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or None
    fields = {}
    for line in info.splitlines():
        if ":" in line:
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    for key in ("model name", "Model", "Hardware", "cpu model"):
        if fields.get(key):
            return fields[key]
    if "CPU implementer" in fields:  # arm64 (e.g. Graviton) lists ids only
        return "CPU implementer %s part %s" % (fields["CPU implementer"],
                                               fields.get("CPU part", "?"))
    return platform.processor() or None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Stratus runtime probe")
    parser.add_argument("--quick", action="store_true",
                        help="fewer points, shorter timing (under about 30 s)")
    parser.add_argument("--seconds-per-point", type=float, default=None,
                        help="timing budget per training-step point")
    parser.add_argument("--no-loader", dest="loader", action="store_false",
                        help="skip timing LambdaML's DataLoader batching (the "
                             "'loader' list under pytorch)")
    parser.add_argument("--install", action="store_true",
                        help="also time setting each framework up on a fresh machine: "
                             "a new virtual environment and pip install from the package "
                             "registry, no cache (downloads; minutes for PyTorch)")
    parser.add_argument("--count-networks", action="store_true",
                        help="print each network's counted multiply-adds, traffic and "
                             "FLOPs per byte, and stop")
    args = parser.parse_args(argv)
    if args.count_networks:
        return print_network_counts()
    budget = args.seconds_per_point
    if budget is None:
        budget = 0.1 if args.quick else 0.5
    budget = max(budget, 0.0)

    t_start = time.perf_counter()
    text_bytes = 1000000 if args.quick else 4000000
    texts = {"csv": csv_text(text_bytes), "libsvm": libsvm_text(text_bytes)}

    frameworks = {}
    probes = [("python", None, lambda: probe_python(texts, args.quick)),
              ("numpy", "numpy",
               lambda: probe_numpy(texts, args.quick, budget, args.install)),
              ("pytorch", "torch",
               lambda: probe_torch(texts, args.quick, budget, args.loader, args.install))]
    for key, module, probe in probes:
        if module is not None:
            err = import_error(module)
            if err is not None:
                log("%s absent: %s" % (key, err))
                frameworks[key] = {"absent": err}
                continue
        try:
            frameworks[key] = probe()
        except Exception as exc:
            log("%s failed: %s: %s" % (key, type(exc).__name__, exc))
            frameworks[key] = {"absent": "probe failed: %s: %s" % (type(exc).__name__, exc)}

    log("done in %.1f s" % (time.perf_counter() - t_start))
    result = {"python": platform.python_version(), "machine": platform.machine(),
              "processor": processor_name(), "frameworks": frameworks}
    sys.stdout.write(json.dumps(result, allow_nan=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
