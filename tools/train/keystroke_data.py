# SPDX-License-Identifier: MIT
"""Keystroke feature dumps for training and evaluation.

The features the model sees come from the C++ extractor
(src/features/keystroke-features.*), dumped by
`tactus-eval keystroke-features DIR OUT`. This module reads that dump, applies
the input transform the model was trained with, and implements the
verification protocol of ../shared/datasets/README.md for quick figures while
training (the figures that count are printed by `tactus-eval keystrokes`).

Dump format (text, tab-separated, one header line):
    participant section split hold pp rp pr rr rollover class_<set>...
timings in microseconds (int), split 0 = training, 1 = validation, class
columns one per class set. Rows of one section are contiguous, in press order.
"""

import numpy as np

TIMING_COLUMNS = ["hold", "pp", "rp", "pr", "rr"]
# Input transform: clip to +-CLIP_MS, then signed log1p(|t| / LOG_SCALE_MS),
# then rollover clipped to ROLLOVER_MAX; then z-scored with training
# means/stds. The C++ inference (src/model/) applies the same, with the
# constants read from the weights file.
CLIP_MS = 3000.0
LOG_SCALE_MS = 10.0
ROLLOVER_MAX = 3.0
MAX_KEYS = 50


class Section:
    __slots__ = ("participant", "section", "split", "timing", "rollover", "classes")


def read_dump(path):
    """Returns (sections, class_sets, class_counts): sections in file order."""
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        meta = {}
        # optional comment lines "# key value"
        pos = f.tell()
        line = f.readline()
        while line.startswith("#"):
            k, _, v = line[1:].strip().partition(" ")
            meta[k] = v
            pos = f.tell()
            line = f.readline()
        f.seek(pos)
        data = np.loadtxt(f, dtype=np.int64, delimiter="\t", ndmin=2)
    class_sets = [h[len("class_"):] for h in header if h.startswith("class_")]
    counts = {}
    for name in class_sets:
        counts[name] = int(meta.get("classes_" + name, 0)) or int(data[:, header.index("class_" + name)].max()) + 1
    col = {h: i for i, h in enumerate(header)}
    key = data[:, col["participant"]] * 10_000_000 + data[:, col["section"]]
    bounds = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(data)]])
    tcols = [col[c] for c in TIMING_COLUMNS]
    ccols = [col["class_" + c] for c in class_sets]
    sections = []
    for s, e in zip(starts, ends):
        sec = Section()
        sec.participant = int(data[s, col["participant"]])
        sec.section = int(data[s, col["section"]])
        sec.split = int(data[s, col["split"]])
        sec.timing = data[s:e, tcols].astype(np.float64) / 1000.0  # ms
        sec.rollover = data[s:e, col["rollover"]].astype(np.float64)
        sec.classes = data[s:e][:, ccols]
        sections.append(sec)
    return sections, class_sets, counts


def transform_raw(timing_ms, rollover):
    """Per-keystroke input before z-scoring: (n, 6)."""
    t = np.clip(timing_ms, -CLIP_MS, CLIP_MS)
    t = np.sign(t) * np.log1p(np.abs(t) / LOG_SCALE_MS)
    r = np.minimum(rollover, ROLLOVER_MAX)[:, None]
    return np.concatenate([t, r], axis=1)


def by_participant(sections):
    """{participant: [sections sorted by section id]}, participants ascending."""
    out = {}
    for s in sections:
        out.setdefault(s.participant, []).append(s)
    return {p: sorted(v, key=lambda s: s.section) for p, v in sorted(out.items())}


def eer(genuine, impostor):
    """Equal error rate of distances (lower = genuine). Returns (eer, threshold)."""
    g = np.sort(np.asarray(genuine))
    i = np.sort(np.asarray(impostor))
    thr = np.unique(np.concatenate([g, i]))
    frr = 1.0 - np.searchsorted(g, thr, side="right") / len(g)
    far = np.searchsorted(i, thr, side="right") / len(i)
    k = np.argmin(np.abs(frr - far))
    # also consider the point just below the first threshold
    return float((frr[k] + far[k]) / 2), float(thr[k])


def protocol(parts):
    """The README protocol over an ordered {participant: sections} dict:
    yields (participant, enrollment, genuine, impostors) as section lists."""
    ids = [p for p, secs in parts.items() if len(secs) >= 10]
    n = len(ids)
    for k, p in enumerate(ids):
        secs = parts[p]
        imp = [parts[ids[(k + j) % n]][-1] for j in range(1, min(100, n - 1) + 1)]
        yield p, secs[:5], secs[-5:], imp
