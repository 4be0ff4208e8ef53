#!/usr/bin/env python3
"""Writes cases/timed.history.json: a hand-made history with real timestamps (the corpus has
none) exercising what the exports draw: a Map of three items, a retried task (back-off), a
task timeout caught by Catch, Wait states. Shapes follow aws-facts a.2-a.4 (the
get-execution-history JSON of AWS CLI v2). Run once; the output is checked in."""
import json
import sys
from datetime import datetime, timedelta, timezone

T0 = datetime(2024, 5, 14, 10, 15, 0, tzinfo=timezone.utc)
events = []  # (ms, type, key, details, prev_ref) ; prev_ref indexes into events


def ev(ms, typ, prev, details_key=None, details=None):
    events.append({"ms": ms, "type": typ, "prev": prev, "dk": details_key, "d": details})
    return len(events) - 1


def entered(ms, kind, name, inp, prev):
    return ev(ms, kind + "StateEntered", prev, "stateEnteredEventDetails",
              {"name": name, "input": json.dumps(inp), "inputDetails": {"truncated": False}})


def exited(ms, kind, name, out, prev):
    return ev(ms, kind + "StateExited", prev, "stateExitedEventDetails",
              {"name": name, "output": json.dumps(out), "outputDetails": {"truncated": False}})


LAMBDA = {"resourceType": "lambda", "resource": "invoke"}


def scheduled(ms, prev, payload):
    d = dict(LAMBDA, region="us-east-1", parameters=json.dumps({"FunctionName": "grade", "Payload": payload}),
             timeoutInSeconds=3)
    s = ev(ms, "TaskScheduled", prev, "taskScheduledEventDetails", d)
    return ev(ms + 40, "TaskStarted", s, "taskStartedEventDetails", dict(LAMBDA))


items = [{"name": "Computer Science"}, {"name": "Biology"}, {"name": "Art"}]
start = ev(0, "ExecutionStarted", None, "executionStartedEventDetails",
           {"input": json.dumps({"items": items}), "inputDetails": {"truncated": False},
            "roleArn": "arn:aws:iam::111111111111:role/demo"})
me = entered(20, "Map", "Grade", {"items": items}, start)
ms_ = ev(25, "MapStateStarted", me, "mapStateStartedEventDetails", {"length": 3})

ends = []
# item 0: a failed attempt, 1 s back-off, success, then a 2 s Wait
i0 = ev(30, "MapIterationStarted", ms_, "mapIterationStartedEventDetails", {"name": "Grade", "index": 0})
t = entered(31, "Task", "Call", items[0], i0)
st = scheduled(32, t, items[0])
f = ev(900, "TaskFailed", st, "taskFailedEventDetails",
       dict(LAMBDA, error="Lambda.ServiceException", cause="Rate exceeded"))
st = scheduled(1900, f, items[0])
ok = ev(2600, "TaskSucceeded", st, "taskSucceededEventDetails",
        dict(LAMBDA, output=json.dumps({"grade": "A"}), outputDetails={"truncated": False}))
x = exited(2601, "Task", "Call", {"grade": "A"}, ok)
w = entered(2602, "Wait", "Pause", {"grade": "A"}, x)
wx = exited(4602, "Wait", "Pause", {"grade": "A"}, w)
ends.append(ev(4603, "MapIterationSucceeded", wx, "mapIterationSucceededEventDetails", {"name": "Grade", "index": 0}))

# item 1: the task times out (TimeoutSeconds 3) and Catch sends it to Recover
i1 = ev(30, "MapIterationStarted", ms_, "mapIterationStartedEventDetails", {"name": "Grade", "index": 1})
t = entered(33, "Task", "Call", items[1], i1)
st = scheduled(34, t, items[1])
to = ev(3074, "TaskTimedOut", st, "taskTimedOutEventDetails",
        dict(LAMBDA, error="States.Timeout"))
err = {"Error": "States.Timeout", "Cause": None}
x = exited(3075, "Task", "Call", {"name": "Biology", "error": err}, to)
p = entered(3076, "Pass", "Recover", {"name": "Biology", "error": err}, x)
px = exited(3077, "Pass", "Recover", {"grade": None}, p)
ends.append(ev(3078, "MapIterationSucceeded", px, "mapIterationSucceededEventDetails", {"name": "Grade", "index": 1}))

# item 2: success, then the Wait
i2 = ev(31, "MapIterationStarted", ms_, "mapIterationStartedEventDetails", {"name": "Grade", "index": 2})
t = entered(35, "Task", "Call", items[2], i2)
st = scheduled(36, t, items[2])
ok = ev(1200, "TaskSucceeded", st, "taskSucceededEventDetails",
        dict(LAMBDA, output=json.dumps({"grade": "B"}), outputDetails={"truncated": False}))
x = exited(1201, "Task", "Call", {"grade": "B"}, ok)
w = entered(1202, "Wait", "Pause", {"grade": "B"}, x)
wx = exited(3202, "Wait", "Pause", {"grade": "B"}, w)
ends.append(ev(3203, "MapIterationSucceeded", wx, "mapIterationSucceededEventDetails", {"name": "Grade", "index": 2}))

out = [{"grade": "A"}, {"grade": None}, {"grade": "B"}]
ms2 = ev(4604, "MapStateSucceeded", ends[0])
mx = exited(4605, "Map", "Grade", out, ms2)
ev(4606, "ExecutionSucceeded", mx, "executionSucceededEventDetails",
   {"output": json.dumps(out), "outputDetails": {"truncated": False}})

order = sorted(range(len(events)), key=lambda i: (events[i]["ms"], i))
ids = {k: n + 1 for n, k in enumerate(order)}
res = []
for k in order:
    e = events[k]
    ts = (T0 + timedelta(milliseconds=e["ms"])).isoformat(timespec="microseconds")
    o = {"timestamp": ts, "type": e["type"], "id": ids[k],
         "previousEventId": ids[e["prev"]] if e["prev"] is not None else 0}
    if e["dk"]:
        o[e["dk"]] = e["d"]
    res.append(o)
json.dump({"events": res}, sys.stdout, indent=4)
sys.stdout.write("\n")
