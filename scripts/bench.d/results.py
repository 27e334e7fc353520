#!/usr/bin/env python3
"""Benchmark figures: record them, and compare a run with the recorded baseline.

  results.py record FILE KEY VALUE higher|lower   add one figure (which direction is better)
  results.py compare FILE BASELINE [--threshold 20]
      prints each figure beside its baseline; lists those worse by more than the threshold (percent)
      and exits 3 when there is one. Figures missing on either side are skipped, not failed.
  results.py accept FILE BASELINE                  merge this run's figures into the baseline
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def main(argv):
    if len(argv) >= 6 and argv[1] == "record":
        data = load(argv[2])
        data[argv[3]] = {"value": float(argv[4]), "better": argv[5]}
        save(argv[2], data)
        return 0
    if len(argv) >= 4 and argv[1] == "compare":
        threshold = float(argv[argv.index("--threshold") + 1]) if "--threshold" in argv else 20.0
        run, base = load(argv[2]), load(argv[3])
        regressions = []
        for key in sorted(run):
            if key not in base:
                continue
            now, before, better = run[key]["value"], base[key]["value"], run[key]["better"]
            if before == 0:
                continue
            change = (now - before) / abs(before) * 100
            worse = -change if better == "higher" else change
            flag = "REGRESSION" if worse > threshold else ""
            print(f"{key:55s} {now:14.2f} baseline {before:14.2f} ({change:+6.1f}%) {flag}")
            if flag:
                regressions.append(key)
        if regressions:
            print(f"\n{len(regressions)} figure(s) worse than the baseline by more than {threshold:.0f}%: "
                  + ", ".join(regressions))
            return 3
        print(f"\nno figure worse than the baseline by more than {threshold:.0f}%")
        return 0
    if len(argv) >= 4 and argv[1] == "accept":
        base = load(argv[3])
        base.update(load(argv[2]))
        save(argv[3], base)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
