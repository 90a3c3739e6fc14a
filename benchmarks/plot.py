#!/usr/bin/env python3
"""Plots on_initialize cost against registry size from benchmarks/results/on_initialize.csv.

Usage: python3 benchmarks/plot.py   (needs matplotlib: pip install matplotlib)
Writes benchmarks/results/on_initialize.png.
"""
import csv
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

results = pathlib.Path(__file__).resolve().parent / "results"
rows = list(csv.DictReader(open(results / "on_initialize.csv")))
nodes = [int(r["nodes"]) for r in rows]

fig, (time_ax, weight_ax) = plt.subplots(1, 2, figsize=(11, 4))
time_ax.plot(nodes, [float(r["ordinary_us"]) for r in rows], "o-", label="ordinary block")
time_ax.plot(nodes, [float(r["busy_us"]) for r in rows], "s-", label="every periodic job fires")
time_ax.set(xscale="log", xlabel="registered nodes (and used challenges outstanding)",
            ylabel="native time (µs, median of 31)", title="on_initialize: time")
time_ax.set_ylim(bottom=0)
time_ax.legend()
weight_ax.plot(nodes, [int(r["ordinary_ref_time"]) / 1e6 for r in rows], "o-", label="ordinary block")
weight_ax.plot(nodes, [int(r["busy_ref_time"]) / 1e6 for r in rows], "s-", label="every periodic job fires")
weight_ax.set(xscale="log", xlabel="registered nodes (and used challenges outstanding)",
              ylabel="weight used (ref_time, µs)", title="on_initialize: weight")
weight_ax.set_ylim(bottom=0)
weight_ax.legend()
fig.tight_layout()
fig.savefig(results / "on_initialize.png", dpi=110)
print(f"wrote {results / 'on_initialize.png'}")
