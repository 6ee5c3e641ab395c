#!/usr/bin/env python3
"""Growth ratios of `cargo bench --bench scale` and their plot.

Reads criterion's text output of one or two runs ("before" and "after", e.g. saved with
`cargo bench --bench scale -- 'lab/|tui/' | tee after.txt`), prints a Markdown table of the
median cost at each size and the growth from the smallest size to the largest, and writes
an SVG plot of growth (cost at N over cost at 1,000) against N, on log scales, beside the
straight-line ideal (1x, flat) and the linear one (a cost that grows with the state).

    benches/scale_plot.py after.txt [before.txt] [--svg benches/scale.svg] [--only 'quiet']
"""
import math
import re
import sys

UNITS = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}


def read(path):
    """{(name, size): median µs} from criterion's text output."""
    out, name = {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^(\S+/.+?)/(\d+)\s*(time:.*)?$", line.strip())
        if m and not line.startswith("Benchmarking"):
            name, size = m.group(1), int(m.group(2))
            line = m.group(3) or ""
        t = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if t and name:
            out[(name, size)] = float(t.group(1)) * UNITS[t.group(2)]
            name = None
    return out


def fmt(us):
    if us >= 1000:
        return f"{us / 1000:,.2f} ms"
    return f"{us:,.2f} µs"


def rows(runs, only):
    names = sorted({n for run in runs for (n, _) in run if re.search(only, n)})
    sizes = sorted({s for run in runs for (_, s) in run})
    return names, sizes


def table(after, before, only):
    runs = [after] + ([before] if before else [])
    names, sizes = rows(runs, only)
    head = ["command"]
    for label, run in (("before", before), ("after", after)):
        if run:
            head += [f"{label}: {s:,}" for s in sizes] + [f"{label}: growth"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" + "---:|" * (len(head) - 1))
    for n in names:
        cells = [f"`{n}`"]
        for run in (before, after):
            if not run:
                continue
            got = [run.get((n, s)) for s in sizes]
            cells += [fmt(g) if g else "" for g in got]
            lo, hi = got[0], got[-1]
            cells.append(f"**{hi / lo:.1f}×**" if lo and hi else "")
        print("| " + " | ".join(cells) + " |")


def svg(after, before, only, path):
    names, sizes = rows([after], only)
    w, h, pad, legend = 980, 460, 60, 380
    lo_n, hi_n = math.log10(sizes[0]), math.log10(sizes[-1])
    top = 3.0  # growth up to 1,000x
    x = lambda n: pad + (math.log10(n) - lo_n) / (hi_n - lo_n) * (w - 2 * pad - legend)
    y = lambda g: h - pad - (math.log10(max(g, 1e-1)) + 1) / (top + 1) * (h - 2 * pad)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{pad}" y="20" font-size="14">Growth of the cost of one command from 1,000 elements (log scales)</text>']
    for g in (0.1, 1, 10, 100, 1000):
        parts.append(f'<line x1="{pad}" x2="{w - pad - legend}" y1="{y(g)}" y2="{y(g)}" stroke="#ddd"/>')
        parts.append(f'<text x="{pad - 8}" y="{y(g) + 4}" text-anchor="end">{g:g}×</text>')
    for n in sizes:
        parts.append(f'<text x="{x(n)}" y="{h - pad + 18}" text-anchor="middle">{n:,}</text>')
    parts.append(f'<text x="{(w - legend) / 2}" y="{h - 12}" text-anchor="middle">elements in the state</text>')
    ideal = [(sizes[0], 1), (sizes[-1], 1)]
    linear = [(sizes[0], 1), (sizes[-1], sizes[-1] / sizes[0])]
    lines = [("ideal (flat)", ideal, "#000", "6,3"), ("grows with the state", linear, "#999", "2,3")]
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
               "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6"]
    for k, n in enumerate(names):
        base = after.get((n, sizes[0]))
        pts = [(s, after[(n, s)] / base) for s in sizes if (n, s) in after and base]
        lines.append((n, pts, palette[k % len(palette)], ""))
        if before and (n, sizes[0]) in before:
            b0 = before[(n, sizes[0])]
            pts = [(s, before[(n, s)] / b0) for s in sizes if (n, s) in before]
            lines.append((n + " (before)", pts, palette[k % len(palette)], "4,4"))
    for k, (label, pts, colour, dash) in enumerate(lines):
        d = " ".join(f"{x(s):.1f},{y(g):.1f}" for s, g in pts)
        style = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"{style}/>')
        ly = 40 + k * 14
        parts.append(f'<line x1="{w - legend + 10}" x2="{w - legend + 30}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"{style}/>')
        parts.append(f'<text x="{w - legend + 35}" y="{ly + 4}">{label}</text>')
    parts.append("</svg>")
    open(path, "w", encoding="utf-8").write("\n".join(parts) + "\n")


def main(argv):
    args, svg_path, only = [], None, "."
    it = iter(argv)
    for a in it:
        if a == "--svg":
            svg_path = next(it)
        elif a == "--only":
            only = next(it)
        else:
            args.append(a)
    after = read(args[0])
    before = read(args[1]) if len(args) > 1 else None
    table(after, before, only)
    if svg_path:
        svg(after, before, only, svg_path)


if __name__ == "__main__":
    main(sys.argv[1:])
