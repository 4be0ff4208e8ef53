#!/usr/bin/env python3
"""Event-by-event comparison of `stepscope run` with the AWS corpus (a development tool, not a
suite: the corpus scrubbed values no simulation writes, so some differences are expected).

Usage: python3 tests/tools/corpus-diff.py CORPUS_DIR STEPSCOPE [NAME...]

For each NAME.history.json + NAME.asl.json in CORPUS_DIR (every one by default) it writes a
mock with `stepscope mock-from`, runs the definition with it and the recorded input, exports
the history (--history-out) and compares it with the recording: event count, type, id,
previousEventId, the details object's name and key order, every non-payload detail, payloads
as parsed JSON and, apart, as text (key order, spacing, number forms). Values the recorder
scrubbed (roleArn, region, Map Run ARNs, placeholders in <...>) are not compared.
"""
import json
import os
import subprocess
import sys
import tempfile

PAYLOADS = {"input", "output", "parameters", "cause"}


def scrubbed(value):
    return isinstance(value, str) and (
        "<" in value or value in ("snf_role_arn", "map_run_arn", "timestamp"))


def parse(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def compare_details(i, kind, want, got, out):
    if list(want) != list(got):
        out.append("  ev%d %s keys: recorded %s, simulated %s" % (i, kind, list(want), list(got)))
    for field, w in want.items():
        if field not in got:
            continue
        g = got[field]
        if field in PAYLOADS and isinstance(w, str):
            if scrubbed(w) and field != "input":
                continue
            if parse(w) != parse(g):
                out.append("  ev%d %s.%s: recorded %s | simulated %s" % (i, kind, field,
                                                                         w[:200], str(g)[:200]))
            elif w != g:
                out.append("  ev%d %s.%s (text only): recorded %s | simulated %s"
                           % (i, kind, field, w[:200], str(g)[:200]))
        elif isinstance(w, dict) and isinstance(g, dict):
            # Key order counts (assignedVariables, taskCredentials...): AWS's text has one.
            if json.dumps(w) != json.dumps(g) and not scrubbed(json.dumps(w)):
                out.append("  ev%d %s.%s: recorded %s, simulated %s" % (i, kind, field,
                                                                       json.dumps(w),
                                                                       json.dumps(g)))
        elif w != g and not scrubbed(w) and field != "region":
            out.append("  ev%d %s.%s: recorded %s, simulated %s" % (i, kind, field, w, g))


def compare(rec, sim):
    out = []
    if len(rec) != len(sim):
        out.append("  %d events recorded, %d simulated" % (len(rec), len(sim)))
    for i, (w, g) in enumerate(zip(rec, sim), 1):
        for key in ("type", "id", "previousEventId"):
            if w.get(key) != g.get(key):
                out.append("  ev%d %s: recorded %s, simulated %s" % (i, key, w.get(key),
                                                                    g.get(key)))
        wd = [k for k in w if k.endswith("EventDetails")]
        gd = [k for k in g if k.endswith("EventDetails")]
        if wd != gd:
            out.append("  ev%d details: recorded %s, simulated %s" % (i, wd, gd))
        elif wd:
            compare_details(i, w["type"], w[wd[0]], g[gd[0]], out)
    return out


def main():
    corpus, binary = sys.argv[1], sys.argv[2]
    names = sorted(f[: -len(".history.json")] for f in os.listdir(corpus)
                   if f.endswith(".history.json"))
    if len(sys.argv) > 3:
        names = [n for n in names if n in sys.argv[3:]]
    tmp = tempfile.mkdtemp()
    same = 0
    for name in names:
        hist = os.path.join(corpus, name + ".history.json")
        base = os.path.join(tmp, name)
        subprocess.run([binary, "mock-from", "--out", base + ".mock.json", "--input-out",
                        base + ".in.json", "--machine-name", "M", hist], capture_output=True)
        run = subprocess.run([binary, "run", "--mock-config", base + ".mock.json", "--input",
                              base + ".in.json", "--history-out", base + ".out.json",
                              os.path.join(corpus, name + ".asl.json")],
                             capture_output=True, text=True)
        try:
            rec = json.load(open(hist))["events"]
            sim = json.load(open(base + ".out.json"))["events"]
        except (OSError, ValueError):
            print("== %s: not simulated: %s" % (name, run.stderr.strip()[:200]))
            continue
        diffs = compare(rec, sim)
        same += not diffs
        print("== %s: %s" % (name, "same" if not diffs else "differs"))
        for line in diffs[:40]:
            print(line)
    print("%d of %d the same" % (same, len(names)))


if __name__ == "__main__":
    main()
