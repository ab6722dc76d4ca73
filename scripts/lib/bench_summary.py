"""Summarises the runs of scripts/bench-*.sh: one `NAME {json}` line per row and repetition.

    python3 bench_summary.py FILE REPS NAME=LABEL... RATIO:NUM/DEN=LABEL...

Prints a markdown table of the median per row (with the min-max spread of the rate), then
for each RATIO the median of the ratios computed inside each repetition (the machine is
noisy: in-run ratios cancel most of the drift). A row with `bytes_per_idle_session` also
gets its median printed.
"""

import json
import statistics
import sys

path, reps, *specs = sys.argv[1:]
by = {}
for line in open(path):
    name, js = line.split(" ", 1)
    by.setdefault(name, []).append(json.loads(js))


def med(name, key):
    return statistics.median(r[key] for r in by[name])


print(f"| row (median of {reps}) | per second (min–max) | p50 µs | p99 µs |")
print("|---|---|---|---|")
for spec in specs:
    if spec.startswith("RATIO:"):
        continue
    name, label = spec.split("=", 1)
    rates = [r["calls_per_s"] for r in by[name]]
    print(f"| {label} | {med(name, 'calls_per_s'):,.0f} ({min(rates):,.0f}–{max(rates):,.0f}) "
          f"| {med(name, 'p50_us'):.1f} | {med(name, 'p99_us'):.1f} |")
print()
for spec in specs:
    if not spec.startswith("RATIO:"):
        continue
    pair, label = spec[len("RATIO:"):].split("=", 1)
    num, den = pair.split("/")
    ratios = [a["calls_per_s"] / b["calls_per_s"] for a, b in zip(by[num], by[den])]
    print(f"{label}, median of in-run ratios: {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
for name, runs in by.items():
    mem = [r["bytes_per_idle_session"] for r in runs if r.get("bytes_per_idle_session") is not None]
    if mem:
        print(f"memory per idle session ({name}, server RSS delta): median "
              f"{statistics.median(mem):,.0f} bytes (min {min(mem):,.0f}, max {max(mem):,.0f})")
