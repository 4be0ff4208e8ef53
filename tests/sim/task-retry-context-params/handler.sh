# Echoes the event it gets.
read -r event
printf '{"seen": %s}\n' "$event"
