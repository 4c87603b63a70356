#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train tactus's keystroke embedding (TypeNet-style; Acien et al. 2021).

Two-layer LSTM over per-keystroke timings (hold, four flights, rollover) and a
one-hot key class, last hidden state -> linear projection -> L2-normalised
embedding. Trained with an additive-margin softmax (CosFace / AM-softmax,
Wang et al. 2018) over the training participants. Score of an attempt
(--score): Euclidean distance of its embedding to the mean of the 5
enrollment embeddings (centroid, the default), or the mean of its distances
to them (mean-distance, TypeNet's). The scoring rule only changes the
evaluation and the calibration, never the weights.

Reads the C++ extractor's dump (`tactus-eval keystroke-features`); the split
by participant is in the dump (defined once, in C++). See README.md.
"""

import argparse
import math
import os
import random
import struct
import sys
import time
import zlib

# One BLAS thread: torch's and OpenBLAS's thread pools on top of each other
# made an epoch ten times slower on this 2-core machine (see README.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keystroke_data as kd  # noqa: E402

FORMAT_VERSION = 2  # 2: the header names the scoring rule ("score ...")
MAGIC = "tactus-keystroke-model"
SCORES = ("centroid", "mean-distance")


def score_rule(name):
    """A function (attempt embeddings (n, E), enrollment embeddings (k, E)) -> (n,) distances."""
    if name == "centroid":
        return lambda A, E: np.linalg.norm(A - E.mean(axis=0), axis=1)
    if name == "mean-distance":
        return lambda A, E: np.linalg.norm(A[:, None, :] - E[None], axis=2).mean(axis=1)
    raise ValueError(f"unknown score {name!r}; known: {', '.join(SCORES)}")


class Embedder(nn.Module):
    def __init__(self, n_in, hidden=128, layers=2, emb=128, dropout=0.2):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.proj = nn.Linear(hidden, emb)
        self.in_drop = nn.Dropout(0.0)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.in_drop(x), lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return F.normalize(self.proj(h[-1]), dim=1)


class Ensemble(nn.Module):
    """K embedders of one architecture, their embeddings concatenated and
    scaled by 1/sqrt(K): a unit vector again, whose squared distances are the
    mean of the members' (the weights file's "members K")."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x, lengths):
        return torch.cat([m(x, lengths) for m in self.members], dim=1) / math.sqrt(len(self.members))


class Features:
    """Sections -> model inputs, with z-scoring constants from the training split."""

    def __init__(self, sections, n_classes, set_index):
        self.n_classes = n_classes
        self.set_index = set_index
        raw = np.concatenate([kd.transform_raw(s.timing, s.rollover) for s in sections if s.split == 0])
        self.mean = raw.mean(axis=0)
        self.std = raw.std(axis=0) + 1e-6

    def tensor(self, sec, start=0, length=kd.MAX_KEYS):
        t = sec.timing[start:start + length].copy()
        if start > 0:
            t[0, 1:] = 0.0  # a window's first keystroke has no predecessor (as in the extractor)
        r = sec.rollover[start:start + length].copy()
        if start > 0:
            r[0] = 0.0
        x = (kd.transform_raw(t, r) - self.mean) / self.std
        c = sec.classes[start:start + length, self.set_index]
        oh = np.zeros((len(c), self.n_classes))
        oh[np.arange(len(c)), c] = 1.0
        return np.concatenate([x, oh], axis=1).astype(np.float32)


def pad(batch):
    lengths = torch.tensor([len(b) for b in batch])
    x = torch.zeros(len(batch), int(lengths.max()), batch[0].shape[1])
    for i, b in enumerate(batch):
        x[i, :len(b)] = torch.from_numpy(b)
    return x, lengths


def embed_all(model, feats, sections, bs=512):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(sections), bs):
            x, l = pad([feats.tensor(s) for s in sections[i:i + bs]])
            out.append(model(x, l).numpy())
    return np.concatenate(out).astype(np.float64)


def evaluate(model, feats, sections, score="centroid"):
    """README protocol on the given sections with the scoring rule @score;
    returns dict of figures and scores."""
    rule = score_rule(score)
    parts = kd.by_participant(sections)
    flat = [s for secs in parts.values() for s in secs]
    emb = embed_all(model, feats, flat)
    index = {id(s): i for i, s in enumerate(flat)}
    per, G, I = [], [], []
    for p, enr, gen, imp in kd.protocol(parts):
        E = emb[[index[id(s)] for s in enr]]
        g = list(rule(emb[[index[id(s)] for s in gen]], E))
        i = list(rule(emb[[index[id(s)] for s in imp]], E))
        per.append(kd.eer(g, i)[0])
        G += g
        I += i
    G, I = np.array(G), np.array(I)
    geer, _ = kd.eer(G, I)
    thr = np.quantile(I, 0.01)
    frr1 = float((G > thr).mean())
    return {"participants": len(per), "eer_mean": float(np.mean(per)), "eer_global": geer, "frr_far1": frr1,
            "genuine": G, "impostor": I}


def fit_calibration(G, I):
    """Logistic regression llr(d) = a + b*d on genuine (1) vs impostor (0)
    distances, prior-corrected so the output is a log-likelihood ratio."""
    d = np.concatenate([G, I])
    y = np.concatenate([np.ones(len(G)), np.zeros(len(I))])
    w = np.concatenate([np.full(len(G), 0.5 / len(G)), np.full(len(I), 0.5 / len(I))])  # balanced = prior 1:1
    a, b = 0.0, 0.0
    for _ in range(100):  # Newton
        z = a + b * d
        p = 1 / (1 + np.exp(-z))
        g = np.array([np.sum(w * (p - y)), np.sum(w * (p - y) * d)])
        h = w * p * (1 - p)
        H = np.array([[h.sum(), (h * d).sum()], [(h * d).sum(), (h * d * d).sum()]]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(H, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a), float(b)


def write_model(path, model, feats, args, class_set, calib, figures):
    """Writes @model (an Embedder, or an Ensemble of K: tensors prefixed
    "m0." ... "mK-1.") in the weights format of src/model/keystroke-model.h."""
    members = list(model.members) if isinstance(model, Ensemble) else [model]
    tensors = []
    for k, member in enumerate(members):
        prefix = f"m{k}." if len(members) > 1 else ""
        tensors += [(prefix + n, p.detach().numpy().astype("<f4")) for n, p in member.named_parameters()]
    lines = [
        f"{MAGIC} {FORMAT_VERSION}",
        f"model-version {args.model_version}",
        f"architecture lstm layers {args.layers} hidden {args.hidden} embed {args.embed}",
        f"class-set {class_set} {feats.n_classes}",
        f"transform clip-ms {kd.CLIP_MS:.9g} log-scale-ms {kd.LOG_SCALE_MS:.9g} rollover-max {kd.ROLLOVER_MAX:.9g}",
        f"max-keys {kd.MAX_KEYS}",
        f"members {len(members)}",
        f"score {args.score}",
        "input-mean " + " ".join(f"{v:.9g}" for v in feats.mean),
        "input-std " + " ".join(f"{v:.9g}" for v in feats.std),
        f"calibration logistic {calib[0]:.9g} {calib[1]:.9g}",
        f"trained seed {args.seed} epochs {args.epochs} validation-eer-mean {figures['eer_mean']:.5f} "
        f"validation-eer-global {figures['eer_global']:.5f}",
    ]
    for n, t in tensors:
        shape = t.shape if t.ndim == 2 else (t.shape[0], 1)
        lines.append(f"tensor {n} {shape[0]} {shape[1]}")
    lines.append("end")
    blob = ("\n".join(lines) + "\n").encode() + b"".join(t.tobytes() for _, t in tensors)
    blob += b"crc32 %08x\n" % (zlib.crc32(blob) & 0xFFFFFFFF)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", required=True, help="output of tactus-eval keystroke-features")
    ap.add_argument("--class-set", default="hand-row")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--embed", type=int, default=128)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--margin", type=float, default=0.3)
    ap.add_argument("--scale", type=float, default=30.0)
    ap.add_argument("--min-crop", type=int, default=30, help="shortest random crop while training")
    ap.add_argument("--eval-every", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest here; see README)")
    ap.add_argument("--score", default="centroid", choices=SCORES,
                    help="scoring rule the calibration is fitted for and the daemon uses")
    ap.add_argument("--model-version", default="1")
    ap.add_argument("--out", help="weights file to write (data/models/...)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)
    t0 = time.time()

    sections, class_sets, counts = kd.read_dump(args.dump)
    si = class_sets.index(args.class_set)
    feats = Features(sections, counts[args.class_set], si)
    train = [s for s in sections if s.split == 0 and len(s.timing) >= 10]
    val = [s for s in sections if s.split == 1]
    pids = sorted({s.participant for s in train})
    label = {p: i for i, p in enumerate(pids)}
    print(f"dump {args.dump}: {len(sections)} sections; training {len(train)} sections of {len(pids)} "
          f"participants; validation {len(val)} sections of {len({s.participant for s in val})}; "
          f"class set {args.class_set} ({feats.n_classes} classes); read in {time.time() - t0:.0f}s", flush=True)

    model = Embedder(6 + feats.n_classes, args.hidden, args.layers, args.embed, args.dropout)
    head = nn.Parameter(torch.randn(len(pids), args.embed) * 0.01)
    opt = torch.optim.Adam(list(model.parameters()) + [head], lr=args.lr)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    rng = np.random.default_rng(args.seed)
    figures = None
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(len(train))
        tot, n = 0.0, 0
        for b in range(0, len(order), args.batch):
            batch, y = [], []
            for k in order[b:b + args.batch]:
                s = train[k]
                n_keys = len(s.timing)
                L = int(rng.integers(min(args.min_crop, n_keys), min(kd.MAX_KEYS, n_keys) + 1))
                start = int(rng.integers(0, n_keys - L + 1))
                batch.append(feats.tensor(s, start, L))
                y.append(label[s.participant])
            x, l = pad(batch)
            y = torch.tensor(y)
            e = model(x, l)
            cos = e @ F.normalize(head, dim=1).t()
            logits = args.scale * (cos - args.margin * F.one_hot(y, len(pids)))
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(y)
            n += len(y)
        msg = f"epoch {epoch} loss {tot / n:.4f} {time.time() - t0:.0f}s"
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            figures = evaluate(model, feats, val, args.score)
            msg += (f"  validation: {figures['participants']} participants, EER mean {100 * figures['eer_mean']:.2f}% "
                    f"global {100 * figures['eer_global']:.2f}% FRR@1%FAR {100 * figures['frr_far1']:.2f}%")
        print(msg, flush=True)
    calib = fit_calibration(figures["genuine"], figures["impostor"])
    print(f"calibration llr = {calib[0]:.4f} + {calib[1]:.4f} * distance; wall time {time.time() - t0:.0f}s")
    if args.out:
        write_model(args.out, model, feats, args, args.class_set, calib, figures)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
