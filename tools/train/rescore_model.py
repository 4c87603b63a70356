#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare scoring rules of trained keystroke models, alone and as an
ensemble, and write the weights file of one choice with its calibration
refitted.

Given one model, the weights do not depend on the scoring rule
(train_keystroke.py uses it only to evaluate and calibrate), so this gives the
file `train_keystroke.py --score RULE` would have written for the same seed,
without training again. Given K models (same architecture, class set and
input constants: the same recipe with different seeds), it writes their
ensemble ("members K"): the members' embeddings concatenated and scaled by
1/sqrt(K). Every figure is on the validation participants of the dump, which
training never saw.

Run: /usr/bin/python3 tools/train/rescore_model.py --dump build/features.tsv \\
         --score centroid IN.tkm [IN2.tkm ...] [--out OUT.tkm]
"""

import argparse
import os
import sys
import types

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_model_fixtures as gm  # noqa: E402
import keystroke_data as kd  # noqa: E402
import train_keystroke as tk  # noqa: E402


class FileFeatures(tk.Features):
    """tk.Features with the z-scoring constants of a weights file."""

    def __init__(self, keys, set_index):
        self.mean = np.array([float(v) for v in keys["input-mean"]])
        self.std = np.array([float(v) for v in keys["input-std"]])
        self.n_classes = int(keys["class-set"][1])
        self.set_index = set_index


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", required=True, help="output of tactus-eval keystroke-features")
    ap.add_argument("--score", default="centroid", choices=tk.SCORES)
    ap.add_argument("models", nargs="+", help="weights files to read (one, or the members of an ensemble)")
    ap.add_argument("--out", help="weights file to write (omit to compare only)")
    ap.add_argument("--model-version", help="model-version of the written file (default: the first input's)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    loaded = [gm.read_model(p) for p in args.models]
    keys = loaded[0][0]
    for p, (k, _) in zip(args.models, loaded):
        for key in ("architecture", "class-set", "transform", "max-keys", "input-mean", "input-std"):
            if k[key] != keys[key]:
                sys.exit(f"{p}: {key} differs from {args.models[0]}'s; an ensemble needs one recipe")
    class_set = keys["class-set"][0]
    sections, class_sets, _ = kd.read_dump(args.dump)
    feats = FileFeatures(keys, class_sets.index(class_set))
    val = [s for s in sections if s.split == 1]
    candidates = [(os.path.basename(p), m) for p, (_, m) in zip(args.models, loaded)]
    if len(loaded) > 1:
        candidates.append((f"ensemble of {len(loaded)}", tk.Ensemble([m for _, m in loaded]).eval()))
    chosen = None
    for name, model in candidates:
        for rule in tk.SCORES:
            f = tk.evaluate(model, feats, val, rule)
            print(f"{name:28s} {rule:14s} validation: {f['participants']} participants, EER mean "
                  f"{100 * f['eer_mean']:.2f}% global {100 * f['eer_global']:.2f}% FRR@1%FAR "
                  f"{100 * f['frr_far1']:.2f}%", flush=True)
            if rule == args.score:
                chosen = f
    calib = tk.fit_calibration(chosen["genuine"], chosen["impostor"])
    print(f"calibration ({args.score}) llr = {calib[0]:.4f} + {calib[1]:.4f} * distance")
    if not args.out:
        return
    arch = keys["architecture"]
    trained = keys.get("trained", [])
    meta = dict(zip(trained[0::2], trained[1::2]))
    seeds = ",".join(dict(zip(k.get("trained", [])[0::2], k.get("trained", [])[1::2])).get("seed", "?")
                     for k, _ in loaded)
    targs = types.SimpleNamespace(model_version=args.model_version or keys["model-version"][0],
                                  layers=int(arch[2]), hidden=int(arch[4]), embed=int(arch[6]),
                                  score=args.score, seed=seeds, epochs=meta.get("epochs", "?"))
    tk.write_model(args.out, candidates[-1][1], feats, targs, class_set, calib, chosen)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
