#!/usr/bin/env bash
# Stop the broker that test/kafka/start.sh started and delete its data.
# SIGTERM first (Kafka shuts down cleanly in a few seconds), SIGKILL if it is still alive
# after a bounded wait. Exits 0 when nothing was running. Keeps .work/kafka.log (for
# post-mortems; the next start overwrites it) and the cached classpath.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$here/.work"
pid_file="$work/kafka.pid"
grace_s="${KAFKA_STOP_TIMEOUT_S:-30}"

say() { echo "kafka/stop.sh: $*" >&2; }

# True only for a live process that is our broker: a stale pid file may name a pid that the
# system has since given to an unrelated process, which must not be signalled.
is_our_broker() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "kafka.Kafka $work/server.properties"
}

if [[ -f "$pid_file" ]]; then
  pid="$(cat "$pid_file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && is_our_broker "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace_s * 10; i++)); do
      is_our_broker "$pid" || break
      sleep 0.1
    done
    if is_our_broker "$pid"; then
      say "broker pid $pid still alive after ${grace_s}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        is_our_broker "$pid" || break
        sleep 0.1
      done
    fi
    is_our_broker "$pid" && {
      say "ERROR: broker pid $pid survived SIGKILL"
      exit 1
    }
    say "stopped broker pid $pid"
  else
    say "no broker running (stale pid file)"
  fi
else
  say "no broker running"
fi

rm -rf "$work/data"
rm -f "$pid_file"
