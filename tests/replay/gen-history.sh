#!/bin/sh
# Prints a synthetic `get-execution-history --output json` history of about N events (default
# 25000) for import benchmarks: an inline Map whose iterations each run one lambda:invoke Task
# (7 events per iteration, payloads as JSON strings, CLI v2 timestamps). Generated at bench
# time, never committed. Usage: gen-history.sh [N] > FILE
n=${1:-25000}
awk -v n="$n" 'BEGIN {
	q = "\\\""
	iters = int((n - 6) / 7); if (iters < 1) iters = 1
	ms = 0; id = 0
	print "{\n    \"events\": ["
	ev("ExecutionStarted", 0, "executionStartedEventDetails", \
	   "\"input\": \"{" q "items" q ":" iters "}\", \"inputDetails\": {\"truncated\": false}, \"roleArn\": \"arn:aws:iam::111111111111:role/r\"")
	ev("MapStateEntered", 0, "stateEnteredEventDetails", \
	   "\"name\": \"Fan\", \"input\": \"{}\", \"inputDetails\": {\"truncated\": false}")
	ev("MapStateStarted", 2, "mapStateStartedEventDetails", "\"length\": " iters)
	last = 3
	for (i = 0; i < iters; i++) {
		s = id + 1
		ev("MapIterationStarted", last, "mapIterationStartedEventDetails", "\"name\": \"Fan\", \"index\": " i)
		ev("TaskStateEntered", s, "stateEnteredEventDetails", \
		   "\"name\": \"Work\", \"input\": \"{" q "i" q ":" i "," q "name" q ":" q "item-" i q "}\", \"inputDetails\": {\"truncated\": false}")
		ev("TaskScheduled", s + 1, "taskScheduledEventDetails", \
		   "\"resourceType\": \"lambda\", \"resource\": \"invoke\", \"region\": \"us-east-1\", \"parameters\": \"{" q "FunctionName" q ":" q "arn:aws:lambda:us-east-1:111111111111:function:work" q "," q "Payload" q ":{" q "i" q ":" i "}}\", \"timeoutInSeconds\": 60")
		ev("TaskStarted", s + 2, "taskStartedEventDetails", "\"resourceType\": \"lambda\", \"resource\": \"invoke\"")
		ev("TaskSucceeded", s + 3, "taskSucceededEventDetails", \
		   "\"resourceType\": \"lambda\", \"resource\": \"invoke\", \"output\": \"{" q "ExecutedVersion" q ":" q "$LATEST" q "," q "Payload" q ":{" q "ok" q ":true," q "i" q ":" i "}," q "StatusCode" q ":200}\", \"outputDetails\": {\"truncated\": false}")
		ev("TaskStateExited", s + 4, "stateExitedEventDetails", \
		   "\"name\": \"Work\", \"output\": \"{" q "ok" q ":true," q "i" q ":" i "}\", \"outputDetails\": {\"truncated\": false}")
		ev("MapIterationSucceeded", s + 5, "mapIterationSucceededEventDetails", "\"name\": \"Fan\", \"index\": " i)
		last = id
	}
	ev("MapStateSucceeded", last, "", "")
	ev("MapStateExited", id, "stateExitedEventDetails", \
	   "\"name\": \"Fan\", \"output\": \"[]\", \"outputDetails\": {\"truncated\": false}")
	final = 1
	ev("ExecutionSucceeded", id, "executionSucceededEventDetails", \
	   "\"output\": \"[]\", \"outputDetails\": {\"truncated\": false}")
	print "    ]\n}"
}
function ev(type, prev, key, body,    t, sec, frac) {
	id++; ms += 3
	sec = int(ms / 1000); frac = ms % 1000
	t = sprintf("2024-05-14T%02d:%02d:%02d.%03d000+00:00", 10 + int(sec / 3600) % 14, int(sec / 60) % 60, sec % 60, frac)
	printf "        {\n            \"timestamp\": \"%s\",\n            \"type\": \"%s\",\n            \"id\": %d,\n            \"previousEventId\": %d", t, type, id, prev
	if (key != "")
		printf ",\n            \"%s\": {%s}", key, body
	printf "\n        }%s\n", final ? "" : ","
}'
