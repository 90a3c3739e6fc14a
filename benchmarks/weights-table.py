#!/usr/bin/env python3
"""Prints src/weights.rs as a markdown table: each benchmark's ref_time, reads, writes and proof
size, with its per-component slopes (the `SubstrateWeight` impl, database weights not included).

Usage: benchmarks/weights-table.py [src/weights.rs]   (benchmarks/README.md holds its output)
"""

import re
import sys


def micros(ps):
    return f"{int(ps) / 1e6:,.1f} µs"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "src/weights.rs"
    text = open(path).read()
    impl = text[text.index("impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {") :]
    impl = impl[: impl.index("\n}\n")]
    print("| benchmark | ref_time | reads | writes | proof size |")
    print("|---|---|---|---|---|")
    for match in re.finditer(r"\tfn (\w+)\(([^)]*)\) -> Weight \{\n(.*?)\n\t\}", impl, re.S):
        name, params, body = match.groups()
        components = re.findall(r"(\w+): u32", params)
        base = re.search(r"Weight::from_parts\(([\d_]+), (\d+)\)\n", body)
        ref_time, proof = base.group(1).replace("_", ""), base.group(2)
        time = [micros(ref_time)]
        for slope, c in re.findall(r"from_parts\(([\d_]+), 0\)\.saturating_mul\((\w+)\.into", body):
            time.append(f"{micros(slope.replace('_', ''))}·{c}")
        proofs = [f"{int(proof):,} B"]
        for slope, c in re.findall(r"from_parts\(0, (\d+)\)\.saturating_mul\((\w+)\.into", body):
            proofs.append(f"{int(slope):,} B·{c}")

        def db(kind):
            total = re.findall(rf"{kind}\((\d+)_u64\)\)", body)
            per = re.findall(rf"{kind}\(\((\d+)_u64\)\.saturating_mul\((\w+)\.into", body)
            return " + ".join([total[0] if total else "0"] + [f"{s}·{c}" for s, c in per])

        call = f"`{name}({', '.join(components)})`" if components else f"`{name}`"
        print(f"| {call} | {' + '.join(time)} | {db('reads')} | {db('writes')} | {' + '.join(proofs)} |")


if __name__ == "__main__":
    main()
