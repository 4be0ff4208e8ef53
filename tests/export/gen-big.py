#!/usr/bin/env python3
"""Prints a history with one Map of N Pass iterations (N from argv, default 100000), real
timestamps, MaxConcurrency-like staggering: iteration i runs from 10*i ms to 10*i + 35 ms.
For the exports' many-rows case; shapes as in aws-facts a.2-a.4."""
import json
import sys
from datetime import datetime, timedelta, timezone

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
t0 = datetime(2024, 5, 14, 10, 0, 0, tzinfo=timezone.utc)
out = sys.stdout
nid = 0


def emit(ms, typ, prev, dk=None, d=None):
    global nid
    nid += 1
    ts = (t0 + timedelta(milliseconds=ms)).isoformat(timespec="microseconds")
    o = {"timestamp": ts, "type": typ, "id": nid, "previousEventId": prev}
    if dk:
        o[dk] = d
    out.write((",\n" if nid > 1 else "") + json.dumps(o))
    return nid


out.write('{"events": [\n')
items = json.dumps(list(range(n)))
s = emit(0, "ExecutionStarted", 0, "executionStartedEventDetails", {"input": items})
e = emit(1, "MapStateEntered", s, "stateEnteredEventDetails", {"name": "Each", "input": items})
m = emit(2, "MapStateStarted", e, "mapStateStartedEventDetails", {"length": n})
# Event order must follow time: start iterations and finish them in a sliding window.
pending = []  # (end_ms, index, prev)
last = m
for i in range(n):
    start = 10 + 10 * i
    while pending and pending[0][0] <= start:
        end, k, p = pending.pop(0)
        x = emit(end, "PassStateExited", p, "stateExitedEventDetails", {"name": "Step", "output": str(k)})
        last = emit(end, "MapIterationSucceeded", x, "mapIterationSucceededEventDetails",
                    {"name": "Each", "index": k})
    it = emit(start, "MapIterationStarted", m, "mapIterationStartedEventDetails", {"name": "Each", "index": i})
    p = emit(start + 1, "PassStateEntered", it, "stateEnteredEventDetails", {"name": "Step", "input": str(i)})
    pending.append((start + 35, i, p))
for end, k, p in pending:
    x = emit(end, "PassStateExited", p, "stateExitedEventDetails", {"name": "Step", "output": str(k)})
    last = emit(end, "MapIterationSucceeded", x, "mapIterationSucceededEventDetails", {"name": "Each", "index": k})
end = pending[-1][0] if pending else 3
ms = emit(end + 1, "MapStateSucceeded", last)
mx = emit(end + 2, "MapStateExited", ms, "stateExitedEventDetails", {"name": "Each", "output": items})
emit(end + 3, "ExecutionSucceeded", mx, "executionSucceededEventDetails", {"output": items})
out.write("\n]}\n")
