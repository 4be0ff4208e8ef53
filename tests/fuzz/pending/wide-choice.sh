#!/bin/sh
# Prints a definition: a Choice with N branches to N Pass states whose Next jump around.
n=${1:-2000}
printf '{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": ['
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "{\"Variable\": \"$.x\", \"NumericEquals\": %d, \"Next\": \"S%d\"}, ", i, i }'
printf '{"Variable": "$.x", "NumericEquals": -1, "Next": "C"}], "Default": "E"}, '
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "\"S%d\": {\"Type\": \"Pass\", \"Next\": \"S%d\"}, ", i, (i * 7919) % n }'
printf '"E": {"Type": "Succeed"}}}\n'
