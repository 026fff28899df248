#!/bin/sh
# orphans.sh N GO: start N orphans, then become sleep, which never calls wait.
# Each orphan's parent, a subshell, exits at once; the orphan itself waits for
# a line on the fifo GO, then exits. Run as the command of steps 1 and 2.
n=0
while [ "$n" -lt "$1" ]; do
	(read -r _ <"$2" &)
	n=$((n + 1))
done
exec sleep 1000
