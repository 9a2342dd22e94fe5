"""The figures of one engine's load run (scripts/load.sh): per request p50/p95, failures and
requests/s from locust's CSV, each server's peak memory, and the reminder job's passes per
server. Prints a Markdown summary and writes it to OUT/ENGINE-summary.md (and the table as
OUT/ENGINE-summary.csv).

usage: summary.py OUT ENGINE
"""

import csv
import sys
from pathlib import Path

P95_GOAL_MS = 200
MEMORY_GOAL_MIB = 100


def rows(out, engine):
    with open(out / f"{engine}_stats.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def table(stats):
    lines = ["| request | count | failures | p50 ms | p95 ms | max ms | req/s |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    over = []
    for r in stats:
        name = r["Name"]  # the locustfile names each request "METHOD /route/template"
        p95 = float(r["95%"] or 0)
        mark = " (over)" if p95 > P95_GOAL_MS and r["Name"] != "Aggregated" else ""
        if mark:
            over.append(name)
        lines.append(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {float(r['50%'] or 0):.0f} | "
            f"{p95:.0f}{mark} | {float(r['Max Response Time'] or 0):.0f} | {float(r['Requests/s']):.1f} |"
        )
    return lines, over


def memory(out, engine):
    peaks = {}
    peak_file = out / f"{engine}-peak.csv"
    if peak_file.exists():
        for line in peak_file.read_text().split():
            name, kib = line.split(",")
            peaks[name] = {"hwm": int(kib or 0) / 1024, "rss": 0.0}
    samples = out / f"{engine}-memory.csv"
    if samples.exists():
        for line in samples.read_text().split():
            _, name, kib = line.split(",")
            entry = peaks.setdefault(name, {"hwm": 0.0, "rss": 0.0})
            entry["rss"] = max(entry["rss"], int(kib) / 1024)
    return peaks


def job_passes(out, name):
    path = out / f"{name}-metrics.txt"
    if not path.exists():
        return "no /metrics"
    found = [line for line in path.read_text().splitlines() if line.startswith("qingfeng_job_passes")]
    return ", ".join(found) or "no pass counted"


def main():
    out, engine = Path(sys.argv[1]), sys.argv[2]
    stats = rows(out, engine)
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    lines, over = table(stats)
    failures = int(total["Failure Count"]) if total else 0
    report = [f"## {engine}", ""] + lines + [""]
    report.append(f"failures: {failures}; p95 over {P95_GOAL_MS} ms: {', '.join(over) or 'none'}")
    for name, m in memory(out, engine).items():
        verdict = "over" if max(m["hwm"], m["rss"]) > MEMORY_GOAL_MIB else "under"
        report.append(
            f"{name}: peak memory {m['hwm']:.1f} MiB (VmHWM), highest sampled VmRSS {m['rss']:.1f} MiB "
            f"({verdict} {MEMORY_GOAL_MIB} MiB); reminder job: {job_passes(out, name)}"
        )
    text = "\n".join(report) + "\n"
    (out / f"{engine}-summary.md").write_text(text, encoding="utf-8")
    with open(out / f"{engine}-summary.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["request", "count", "failures", "p50_ms", "p95_ms", "max_ms", "requests_per_s"])
        for r in stats:
            w.writerow([r["Name"], r["Request Count"], r["Failure Count"], r["50%"], r["95%"],
                        r["Max Response Time"], r["Requests/s"]])
    print(text)


if __name__ == "__main__":
    main()
