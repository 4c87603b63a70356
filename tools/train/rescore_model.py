#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare scoring rules of a trained keystroke model and rewrite its weights
file for one of them, with the calibration refitted for that rule.

The weights do not depend on the scoring rule (train_keystroke.py uses it only
to evaluate and calibrate), so this gives the file `train_keystroke.py
--score RULE` would have written for the same seed, without training again.
Every figure is on the validation participants of the dump, which training
never saw.

Run: /usr/bin/python3 tools/train/rescore_model.py --dump build/features.tsv \\
         --score centroid IN.tkm [OUT.tkm]
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
    ap.add_argument("model", help="weights file to read")
    ap.add_argument("out", nargs="?", help="weights file to write (omit to compare only)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    keys, model = gm.read_model(args.model)
    class_set = keys["class-set"][0]
    sections, class_sets, _ = kd.read_dump(args.dump)
    feats = FileFeatures(keys, class_sets.index(class_set))
    val = [s for s in sections if s.split == 1]
    chosen = None
    for rule in tk.SCORES:
        f = tk.evaluate(model, feats, val, rule)
        print(f"{rule:14s} validation: {f['participants']} participants, EER mean {100 * f['eer_mean']:.2f}% "
              f"global {100 * f['eer_global']:.2f}% FRR@1%FAR {100 * f['frr_far1']:.2f}%")
        if rule == args.score:
            chosen = f
    calib = tk.fit_calibration(chosen["genuine"], chosen["impostor"])
    print(f"calibration ({args.score}) llr = {calib[0]:.4f} + {calib[1]:.4f} * distance")
    if not args.out:
        return
    arch = keys["architecture"]
    trained = keys.get("trained", [])
    meta = dict(zip(trained[0::2], trained[1::2]))
    targs = types.SimpleNamespace(model_version=keys["model-version"][0], layers=int(arch[2]),
                                  hidden=int(arch[4]), embed=int(arch[6]), score=args.score,
                                  seed=meta.get("seed", "?"), epochs=meta.get("epochs", "?"))
    tk.write_model(args.out, model, feats, targs, class_set, calib, chosen)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
