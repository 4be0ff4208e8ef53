"""Compares two exported histories (`stepscope run --history-out`) of dead.asl.json and
kept.asl.json: every event must be the same, byte for byte in its payload text, except the
output of the Map's MapStateExited and of ExecutionSucceeded, where the reference keeps the
Map's results in $.r. With `result`, two `stepscope run --json` results: the same but their
output. With `trace`, two --trace-out files: the same but the process name and the Map's
output size, and every Task's output is an envelope's size. Prints what differs; exits 1
then."""
import json
import sys

OUTPUT_MAY_DIFFER = {"MapStateExited", "ExecutionSucceeded"}


def load_pair(dead_path, kept_path, key, what):
    """The lists under `key` of both files; None (after saying why) when their lengths differ."""
    dead = json.load(open(dead_path))[key]
    kept = json.load(open(kept_path))[key]
    if len(dead) != len(kept):
        print("%d %s, the reference has %d" % (len(dead), what, len(kept)))
        return None, None
    return dead, kept


def main(dead_path, kept_path):
    dead, kept = load_pair(dead_path, kept_path, "events", "events")
    if dead is None:
        return 1
    tasks = 0
    for a, b in zip(dead, kept):
        if a["type"] in OUTPUT_MAY_DIFFER:
            a, b = json.loads(json.dumps(a)), json.loads(json.dumps(b))
            for ev in (a, b):
                for key, det in ev.items():
                    if key.endswith("EventDetails"):
                        det.pop("output", None)
        if a != b:
            print("event %s differs:\n  %s\n  %s" % (a["id"], json.dumps(a), json.dumps(b)))
            return 1
        if a["type"] == "TaskSucceeded":
            tasks += 1
            # The envelope AWS returns for lambda:invoke (aws-facts b.9).
            env = json.loads(a["taskSucceededEventDetails"]["output"])
            if env.get("StatusCode") != 200 or "Payload" not in env:
                print("event %s: not a lambda:invoke envelope" % a["id"])
                return 1
    if tasks == 0:
        print("no TaskSucceeded event: the case does not exercise the envelope")
        return 1
    return 0


def results(dead_path, kept_path):
    dead = json.load(open(dead_path))
    kept = json.load(open(kept_path))
    dead.pop("output", None)
    kept.pop("output", None)
    if dead != kept:
        print("--json differs:\n  %s\n  %s" % (json.dumps(dead), json.dumps(kept)))
        return 1
    return 0


def traces(dead_path, kept_path):
    dead, kept = load_pair(dead_path, kept_path, "traceEvents", "trace events")
    if dead is None:
        return 1
    tasks = 0
    for a, b in zip(dead, kept):
        if a.get("name") == "process_name":
            continue
        if a.get("args", {}).get("type") == "Map":
            a, b = json.loads(json.dumps(a)), json.loads(json.dumps(b))
            a["args"].pop("output_bytes", None)
            b["args"].pop("output_bytes", None)
        if a != b:
            print("trace differs:\n  %s\n  %s" % (json.dumps(a), json.dumps(b)))
            return 1
        if a.get("args", {}).get("type") == "Task" and a.get("cat") == "visit":
            tasks += 1
            # The compact envelope text with 29-byte Dates, 36-byte request ids and 95-byte
            # trace ids.
            if a["args"].get("output_bytes") != 960:
                print("a Task's output is %s bytes, not 960" % a["args"].get("output_bytes"))
                return 1
    if tasks == 0:
        print("no Task span in the trace")
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "trace":
        sys.exit(traces(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "result":
        sys.exit(results(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv[1], sys.argv[2]))
