# A local Lambda handler: the event on stdin, the result on stdout, a log line on stderr.
read -r event
echo "handler got $event" >&2
printf '{"seen": %s, "ok": true}\n' "$event"
