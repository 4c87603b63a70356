#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Fixtures pinning the C++ keystroke inference to PyTorch (tests/unit/test-keystroke-model.cc).

Writes to tests/data/keystroke-model/:
  tiny.tkm           a small randomly initialised model (hidden 16, embed 8) in the weights format
  windows.tsv        generated keystroke windows (pseudo-random timings and classes; no real typing)
  tiny-expected.tsv  PyTorch's embeddings of those windows under tiny.tkm
  shipped-windows.tsv, shipped-expected.tsv  the same for the shipped model (--shipped PATH), if given

Run: /usr/bin/python3 tools/train/gen_model_fixtures.py [--shipped data/models/keystroke.tkm]
"""

import argparse
import os
import sys
import zlib

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keystroke_data as kd  # noqa: E402
import train_keystroke as tk  # noqa: E402


def read_model(path):
    """The weights file as (header dict, module): an Embedder, or an Ensemble
    of "members K" Embedders; checks the CRC."""
    blob = open(path, "rb").read()
    trailer = blob.rindex(b"crc32 ")
    assert int(blob[trailer + 6:trailer + 14], 16) == zlib.crc32(blob[:trailer]), "checksum"
    end = blob.index(b"\nend\n") + 5
    header = blob[:end].decode().splitlines()
    keys, tensors = {}, []
    for line in header[1:-1]:
        w = line.split()
        if w[0] == "tensor":
            tensors.append((w[1], int(w[2]), int(w[3])))
        else:
            keys[w[0]] = w[1:]
    arch = keys["architecture"]
    layers, hidden, emb = int(arch[2]), int(arch[4]), int(arch[6])
    n_classes = int(keys["class-set"][1])
    n_members = int(keys.get("members", ["1"])[0])
    members = [tk.Embedder(6 + n_classes, hidden, layers, emb) for _ in range(n_members)]
    states = [{} for _ in members]
    off = end
    for name, r, c in tensors:
        a = np.frombuffer(blob, dtype="<f4", count=r * c, offset=off).reshape(r, c)
        off += 4 * r * c
        k = 0
        if n_members > 1:
            prefix, name = name.split(".", 1)
            k = int(prefix[1:])
        states[k][name] = torch.from_numpy(a.copy() if c > 1 else a[:, 0].copy())
    for m, state in zip(members, states):
        m.load_state_dict(state)
    model = members[0] if n_members == 1 else tk.Ensemble(members)
    model.eval()
    return keys, model


class HeaderFeatures:
    """tk.Features with the constants of a weights file."""

    def __init__(self, keys):
        self.mean = np.array([float(v) for v in keys["input-mean"]])
        self.std = np.array([float(v) for v in keys["input-std"]])
        self.n_classes = int(keys["class-set"][1])
        self.max_keys = int(keys["max-keys"][0])

    def window(self, rows):
        rows = rows[:self.max_keys]
        timing = rows[:, 0:5].astype(np.float64) / 1000.0
        roll = rows[:, 5].astype(np.float64)
        timing[0, 1:] = 0.0
        roll[0] = 0.0
        x = (kd.transform_raw(timing, roll) - self.mean) / self.std
        oh = np.zeros((len(rows), self.n_classes))
        oh[np.arange(len(rows)), rows[:, 6]] = 1.0
        return np.concatenate([x, oh], axis=1).astype(np.float32)


def embed(path, windows):
    keys, model = read_model(path)
    hf = HeaderFeatures(keys)
    out = []
    with torch.no_grad():
        for w in windows:
            x = torch.from_numpy(hf.window(w))[None]
            out.append(model(x, torch.tensor([x.shape[1]]))[0].numpy())
    return out


def gen_windows(rng, n_classes):
    """Pseudo-random windows: lengths 1..60, timings in µs like typing, with overlaps and outliers."""
    out = []
    for length in (1, 2, 7, 23, 50, 60):
        hold = rng.integers(20_000, 250_000, length)
        pp = rng.integers(-30_000, 900_000, length)
        pp[rng.random(length) < 0.05] = 5_000_000  # a pause beyond the clip
        prev_hold = np.concatenate([[0], hold[:-1]])
        rp = pp - prev_hold
        pr = pp + hold
        rr = pr - prev_hold
        roll = (rp < 0).astype(np.int64) + (rng.random(length) < 0.03)
        cls = rng.integers(0, n_classes, length)
        out.append(np.stack([hold, pp, rp, pr, rr, roll, cls], axis=1).astype(np.int64))
    return out


def write_windows(path, windows):
    with open(path, "w") as f:
        f.write("# window hold_us pp_us rp_us pr_us rr_us rollover class (generated, not typed)\n")
        for i, w in enumerate(windows):
            for r in w:
                f.write("%d\t%s\n" % (i, "\t".join(str(int(v)) for v in r)))


def write_expected(path, embs):
    with open(path, "w") as f:
        for i, e in enumerate(embs):
            f.write("%d\t%s\n" % (i, "\t".join("%.9g" % v for v in e)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../tests/data/keystroke-model"))
    ap.add_argument("--shipped", help="also pin the shipped model (data/models/keystroke.tkm)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(7)
    rng = np.random.default_rng(7)
    n_classes = 10  # hand-row; both models below use a 10-class set
    tiny = tk.Embedder(6 + n_classes, hidden=16, layers=2, emb=8, dropout=0.0)
    with torch.no_grad():  # larger weights than PyTorch's init, so the gates saturate too
        for p in tiny.parameters():
            p.mul_(3.0)

    class F:  # constants of the tiny model
        mean = np.array([2.0, 1.5, 0.5, 2.5, 1.0, 0.3])
        std = np.array([1.1, 2.0, 3.0, 1.5, 2.5, 0.6])

    F.n_classes = n_classes

    class A:
        model_version = "fixture-tiny"
        layers, hidden, embed = 2, 16, 8
        seed, epochs = 7, 0
        score = "mean-distance"

    tk.write_model(os.path.join(args.out, "tiny.tkm"), tiny, F, A, "hand-row", (1.5, -4.0),
                   {"eer_mean": 0.0, "eer_global": 0.0})
    windows = gen_windows(rng, n_classes)
    write_windows(os.path.join(args.out, "windows.tsv"), windows)
    write_expected(os.path.join(args.out, "tiny-expected.tsv"), embed(os.path.join(args.out, "tiny.tkm"), windows))
    if args.shipped:
        keys, _ = read_model(args.shipped)
        shipped_windows = gen_windows(np.random.default_rng(8), int(keys["class-set"][1]))
        write_windows(os.path.join(args.out, "shipped-windows.tsv"), shipped_windows)
        write_expected(os.path.join(args.out, "shipped-expected.tsv"), embed(args.shipped, shipped_windows))
    print("wrote fixtures to", os.path.normpath(args.out))


if __name__ == "__main__":
    main()
