#!/usr/bin/env python3
"""Merges weight files that benchmarks/weight-template.hbs rendered from separate bencher runs.

Usage: merge-weights.py [--replace] OUT IN1 IN2 ...

Every input has the template's shape: a header, `pub trait WeightInfo`, `impl … for
SubstrateWeight<T>` and `impl WeightInfo for ()`, each holding one item per benchmark. The output
keeps the first input's header, adds the other inputs' executed commands to it, and holds every
benchmark of every input, sorted by name as the bencher sorts them. The bencher cannot do this
itself: rendering saved JSON results (`--json-input`) drops the proof sizes.

A benchmark in more than one input is an error, unless `--replace` is given: then the later
input's item replaces the earlier's (a subset measured again, put into src/weights.rs).
"""

import re
import sys

SECTIONS = (
    "pub trait WeightInfo {",
    "impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {",
    "impl WeightInfo for () {",
)


def items(body, terminator):
    """The body's items by benchmark name; an item ends at a line equal to `terminator`."""
    found, current = {}, []
    for line in body:
        current.append(line)
        if (terminator == ";" and line.endswith(") -> Weight;")) or line == terminator:
            name = next(re.search(r"\bfn (\w+)", l).group(1) for l in current if "fn " in l)
            if name in found:
                sys.exit(f"benchmark {name} appears twice")
            found[name] = current
            current = []
    if any(l.strip() for l in current):
        sys.exit(f"unterminated item: {current}")
    return found


def parse(path):
    """(header lines, command lines, [items of each section], lines between the sections)."""
    lines = open(path).read().split("\n")
    starts = [lines.index(s) for s in SECTIONS]
    ends = [next(i for i in range(s, len(lines)) if lines[i] == "}") for s in starts]
    header = lines[: starts[0]]
    command = [l for l in header[header.index("//! Executed command:") + 1 :] if l.startswith("//!")]
    sections = [
        items(lines[s + 1 : e], ";" if n == 0 else "\t}")
        for n, (s, e) in enumerate(zip(starts, ends))
    ]
    between = [lines[ends[0] + 1 : starts[1]], lines[ends[1] + 1 : starts[2]], lines[ends[2] + 1 :]]
    return header, command, sections, between


def main():
    args = sys.argv[1:]
    replace = args[:1] == ["--replace"]
    if replace:
        args = args[1:]
    out, inputs = args[0], args[1:]
    parsed = [parse(p) for p in inputs]
    header, _, sections, between = parsed[0]
    for _, command, other, _ in parsed[1:]:
        # The executed commands are the header's last doc lines.
        last = max(i for i, l in enumerate(header) if l.startswith("//!"))
        header = header[: last + 1] + ["//! and:"] + command + header[last + 1 :]
        for merged, more in zip(sections, other):
            for name, item in more.items():
                if name in merged and not replace:
                    sys.exit(f"benchmark {name} is in more than one input")
                merged[name] = item
    text = header[:]
    for n, section in enumerate(sections):
        text.append(SECTIONS[n])
        for name in sorted(section):
            text.extend(section[name])
        text.append("}")
        text.extend(between[n])
    open(out, "w").write("\n".join(text))


if __name__ == "__main__":
    main()
