#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Tried and not taken (issue 12): a learned embedding of pointer actions.

A small MLP (action features -> 2 x 64 ReLU -> 8-d embedding) trained by
user classification (class-balanced cross-entropy, Adam 1e-3, 10 epochs,
seed 1, one torch thread) on the training sessions of some Balabit users,
then, for users the network never saw, the naive-Bayes scheme of
`tactus-eval mouse` (30 quantile bins, per-user Platt calibration per action
type on even/odd training sessions, session score = mean of the llrs
clamped to +-1 nat) run over the embedding alone and over the action
features plus the embedding. A numpy copy of the naive-Bayes scheme (close
to, not equal to, the C++ one) is the reference. Splits by participant:
--fold: the network for the held-out users is trained on the development
users and the other way round; --louo: one network per user, trained on the
other nine. Only the test sessions' labels of users the network never saw
are counted.

  build/tools/tactus-eval mouse DIR --dump build/pointer-actions.tsv
  /usr/bin/python3 tools/train/pointer_embedding.py build/pointer-actions.tsv [--louo]

(about 40 s of CPU for the halves, 2 min for --louo here). Needs Debian's python3-torch.
"""
import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

MOVEMENT_FEATURES = 23  # the kinematic and click features; scroll features are 0 for these actions


def load(path):
    with open(path) as f:
        hdr = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f]
    cols = list(range(6, 6 + MOVEMENT_FEATURES))
    for context in ("pause-before-action", "time-since-click"):
        if context in hdr:
            cols.append(hdr.index(context))
    d = {
        "split": np.array([r[0] for r in rows]),
        "user": np.array([r[1] for r in rows]),
        "session": np.array([r[2] for r in rows]),
        "illegal": np.array([int(r[3]) for r in rows]),
        "type": np.array([int(r[4]) for r in rows]),
        "X": np.array([[float(r[c]) for c in cols] for r in rows]),
        "names": [hdr[c] for c in cols],
    }
    d["users"] = sorted(set(d["user"]))
    half = (len(d["users"]) + 1) // 2
    d["dev"], d["held"] = d["users"][:half], d["users"][half:]
    return d


def auc(g, i):
    s = np.concatenate([g, i])
    y = np.concatenate([np.zeros(len(g)), np.ones(len(i))])
    order = np.argsort(s, kind="mergesort")
    ss = s[order]
    r = np.arange(1, len(s) + 1, dtype=float)
    j = 0
    while j < len(s):
        k = j
        while k + 1 < len(s) and ss[k + 1] == ss[j]:
            k += 1
        r[j:k + 1] = (j + k + 2) / 2
        j = k + 1
    ranks = np.empty(len(s))
    ranks[order] = r
    return (ranks[y == 1].sum() - len(i) * (len(i) + 1) / 2) / (len(g) * len(i))


def platt(g, i):
    s = np.concatenate([g, i])
    y = np.concatenate([np.ones(len(g)), np.zeros(len(i))])
    w = np.where(y == 1, 0.5 / len(g), 0.5 / len(i))
    a = b = 0.0
    for _ in range(60):
        p = 1 / (1 + np.exp(-np.clip(a * s + b, -50, 50)))
        q = w * p * (1 - p)
        grad = np.array([np.sum(w * (p - y) * s), np.sum(w * (p - y))])
        hess = np.array([[np.sum(q * s * s), np.sum(q * s)], [np.sum(q * s), np.sum(q)]]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
    return a, b


def naive_bayes_scores(d, F, bins=30, clip=1.0, alpha=1.0):
    """Session scores (higher = impostor) of every labelled test session, as tactus-eval mouse."""
    T, user, tr = d["type"], d["user"], d["split"] == "train"
    B = np.zeros(F.shape, dtype=np.int64)
    nbins = np.ones((3, F.shape[1]), dtype=np.int64)
    for t in range(3):
        m = T == t
        for f in range(F.shape[1]):
            v = F[m & tr, f]
            e = np.unique(np.quantile(v, np.arange(1, bins) / bins))
            e = e[e > v.min()]
            B[m, f] = np.searchsorted(e, F[m, f], side="right")
            nbins[t, f] = len(e) + 1
    sid = np.array([int(s) if sp == "train" else -1 for s, sp in zip(d["session"], d["split"])])

    def counts(mask):
        tc = np.array([np.sum(mask & (T == t)) for t in range(3)], dtype=float)
        C = np.zeros((3, F.shape[1], bins))
        for t in range(3):
            for f in range(F.shape[1]):
                C[t, f] = np.bincount(B[mask & (T == t), f], minlength=bins)[:bins]
        return tc, C

    def table(u, bg):
        (tu, cu), (tb, cb) = u, bg
        L = np.zeros_like(cu)
        for t in range(3):
            for f in range(F.shape[1]):
                k = nbins[t, f]
                L[t, f, :k] = np.log((cu[t, f, :k] + alpha) / (tu[t] + alpha * k)) - np.log(
                    (cb[t, f, :k] + alpha) / (tb[t] + alpha * k))
        prior = np.log((tu + alpha) / (tu.sum() + 3 * alpha)) - np.log((tb + alpha) / (tb.sum() + 3 * alpha))
        return prior, L

    def raw(tab, mask):
        prior, L = tab
        out = prior[T[mask]].copy()
        for f in range(F.shape[1]):
            out += L[T[mask], f, B[mask, f]]
        return out

    scores = {}
    for u in d["users"]:
        me, others = user == u, user != u
        even, odd = tr & (sid % 2 == 0), tr & (sid % 2 == 1)
        tab = table(counts(even & me), counts(even & others))
        cal = []
        for t in range(3):
            g = raw(tab, odd & me & (T == t))
            imp = np.concatenate([raw(tab, odd & (user == v) & (T == t))[:3000] for v in d["users"] if v != u])
            cal.append(platt(g, imp))
        tab = table(counts(tr & me), counts(tr & others))
        test = (d["split"] == "test") & me
        r = raw(tab, test)
        a = np.array([c[0] for c in cal])[T[test]]
        b = np.array([c[1] for c in cal])[T[test]]
        llr = np.clip(a * r + b, -clip, clip)
        for s in np.unique(d["session"][test]):
            m = d["session"][test] == s
            scores[u, s] = (-llr[m].mean(), d["illegal"][test][m][0])
    return scores


def report(d, scores, label):
    out = []
    for name, group in (("all", d["users"]), ("development", d["dev"]), ("held-out", d["held"])):
        g = [v for (u, _), (v, lab) in scores.items() if u in group and lab == 0]
        i = [v for (u, _), (v, lab) in scores.items() if u in group and lab == 1]
        out.append("%s %.4f" % (name, auc(np.array(g), np.array(i))))
    print("%-40s %s" % (label, ", ".join(out)), flush=True)


def inputs(d):
    X, names = d["X"], d["names"]
    Z = np.sign(X) * np.log1p(np.abs(X))
    for n in ("straightness", "speed-peak-share"):
        Z[:, names.index(n)] = X[:, names.index(n)]
    i = names.index("direction")
    return np.concatenate([Z, np.cos(X[:, i:i + 1]), np.sin(X[:, i:i + 1]), np.eye(3)[d["type"]]], 1)


def embedding(d, Z, train_mask, dim=8, hidden=64, epochs=10, seed=1):
    torch.manual_seed(seed)
    np.random.seed(seed)
    us = sorted(set(d["user"][train_mask]))
    y = np.array([us.index(u) for u in d["user"][train_mask]])
    x = Z[train_mask]
    mu, sd = x.mean(0), x.std(0) + 1e-6
    xt = torch.tensor((x - mu) / sd, dtype=torch.float32)
    yt = torch.tensor(y)
    body = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, dim))
    net = nn.Sequential(body, nn.Linear(dim, len(us)))
    opt = torch.optim.Adam(net.parameters(), 1e-3, weight_decay=1e-4)
    loss = nn.CrossEntropyLoss(weight=torch.tensor(len(y) / (len(us) * np.bincount(y)), dtype=torch.float32))
    for _ in range(epochs):
        perm = torch.randperm(len(y))
        for b in range(0, len(y), 256):
            j = perm[b:b + 256]
            opt.zero_grad()
            loss(net(xt[j]), yt[j]).backward()
            opt.step()
    with torch.no_grad():
        return body(torch.tensor((Z - mu) / sd, dtype=torch.float32)).numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dump", help="tactus-eval mouse --dump output")
    ap.add_argument("--louo", action="store_true", help="one network per user, trained on the other users")
    args = ap.parse_args()
    torch.set_num_threads(1)
    d = load(args.dump)
    Z = inputs(d)
    tr = d["split"] == "train"
    report(d, naive_bayes_scores(d, d["X"]), "naive Bayes (numpy copy)")
    both, alone = {}, {}
    plans = ([([u], tr & (d["user"] != u)) for u in d["users"]] if args.louo else
             [(d["held"], tr & np.isin(d["user"], d["dev"])), (d["dev"], tr & np.isin(d["user"], d["held"]))])
    for unseen, mask in plans:
        E = embedding(d, Z, mask)
        for out, F in ((both, np.concatenate([d["X"], E], 1)), (alone, E)):
            out.update({k: v for k, v in naive_bayes_scores(d, F).items() if k[0] in unseen})
    how = "one network per user" if args.louo else "network of the other half"
    report(d, both, "features + embedding (%s)" % how)
    report(d, alone, "embedding alone (%s)" % how)


if __name__ == "__main__":
    main()
