#!/usr/bin/env bash
# Start a real Apache Kafka 3.9 broker (single node, KRaft, broker+controller in one JVM) on
# 127.0.0.1 for the differential tests, in the background.
#
# Interface:
#   test/kafka/start.sh        starts the broker and returns once it answers a metadata request.
#                              stdout carries exactly two lines, both shell assignments:
#                                KAFKA_START_MS=<ms from this script's start to ready>
#                                KAFKA_BROKERS=127.0.0.1:<port>        (always the last line)
#                              Progress and errors go to stderr. Exit status:
#                                0  ready
#                                3  Java (11+) or Maven is not installed: a caller may skip the
#                                   real-broker tests, saying so
#                                1  anything else (download failed, broker did not start...):
#                                   a real failure, never to be skipped silently
#                              On any non-zero exit no broker is left running.
#   test/kafka/stop.sh         stops it and deletes its data.
#   e.g.  eval "$(test/kafka/start.sh | tail -n 1)"; export KAFKA_BROKERS
#
# A broker left running by an earlier start.sh is STOPPED first (not reused): every start
# gets an empty log and fresh ports, so differential runs never see topics, offsets or
# groups left over from another run.
#
# Files: jars come from the user's Maven repository (~/.m2), downloaded by Maven on the first
# start only. Everything generated lives in test/kafka/.work/ (gitignored): classpath.txt,
# server.properties, data/ (the log dirs), kafka.pid, kafka.log (the broker's output).
#
# Environment knobs (all optional):
#   KAFKA_START_TIMEOUT_S  seconds to wait for the broker to answer (default 90)
#   KAFKA_HEAP_OPTS        JVM heap flags (default -Xms256m -Xmx512m)
set -euo pipefail

script_start_ms=$(date +%s%3N)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$here/.work"
data="$work/data"
pid_file="$work/kafka.pid"
log_file="$work/kafka.log"
props="$work/server.properties"
timeout_s="${KAFKA_START_TIMEOUT_S:-90}"

say() { echo "kafka/start.sh: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}
missing() {
  say "ERROR: $*"
  exit 3
}

# --- Tools. Fail loudly: CI must not mistake a missing JDK for a passing run. -------------
command -v java >/dev/null 2>&1 || missing "java not found on PATH (Kafka 3.9 needs a JDK/JRE 11+, 17 recommended)"
command -v mvn >/dev/null 2>&1 || missing "mvn not found on PATH (Maven fetches the Kafka jars into ~/.m2)"
command -v node >/dev/null 2>&1 || die "node not found on PATH (used to pick ports and to probe the broker)"
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1)
[[ -n "$java_major" && "$java_major" -ge 11 ]] || missing "Java 11+ is needed, found: $(java -version 2>&1 | head -n 1)"

# --- One broker at a time: stop what an earlier start left running (see header). ---------
if [[ -f "$pid_file" ]]; then
  say "a broker from an earlier start.sh is recorded in $pid_file; stopping it first"
  "$here/stop.sh" >&2
fi
mkdir -p "$work"
rm -rf "$data"

# --- Classpath. -------------------------------------------------------------------------
# Reuse the resolved classpath while pom.xml is unchanged and every jar is still in ~/.m2:
# then a start runs no Maven at all. Otherwise ask Maven, offline first (the jars may all
# be cached already, e.g. in a fresh clone), and online only if something is missing.
# The plugin version is pinned so that Maven never looks up "the latest" online.
cp_file="$work/classpath.txt"
cp_stamp="$work/classpath.pom.sha256"
pom_sum=$(sha256sum "$here/pom.xml" | cut -d' ' -f1)
classpath_ok() {
  [[ -s "$cp_file" && -f "$cp_stamp" && "$(cat "$cp_stamp")" == "$pom_sum" ]] || return 1
  local jar
  while IFS= read -r jar; do [[ -f "$jar" ]] || return 1; done < <(tr ':' '\n' <"$cp_file")
}
if ! classpath_ok; then
  rm -f "$cp_file" "$cp_stamp"
  mvn_cmd=(mvn -B -q -Dstyle.color=never -f "$here/pom.xml"
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
    "-Dmdep.outputFile=$cp_file")
  if ! "${mvn_cmd[@]}" -o >"$work/maven.log" 2>&1; then
    say "resolving Kafka jars with Maven (first start downloads about 70 MB into ~/.m2)"
    "${mvn_cmd[@]}" >"$work/maven.log" 2>&1 || {
      tail -n 30 "$work/maven.log" >&2
      die "Maven could not resolve the Kafka jars (full output: $work/maven.log)"
    }
  fi
  [[ -s "$cp_file" ]] || die "Maven wrote no classpath to $cp_file (see $work/maven.log)"
  echo "$pom_sum" >"$cp_stamp"
fi
classpath="$(cat "$cp_file")"

# --- Ports. -----------------------------------------------------------------------------
# Ask the kernel for two free loopback ports (bind to port 0), holding both open together so
# they differ. They are released just before Kafka binds them; another process could take
# one in between, which is rare enough that the readiness check reporting it is sufficient.
read -r port controller_port < <(node -e '
  const net = require("node:net")
  const open = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => ok(s)) })
  Promise.all([open(), open()]).then((ss) => {
    console.log(ss.map((s) => s.address().port).join(" "))
    for (const s of ss) s.close()
  })')
[[ -n "${port:-}" && -n "${controller_port:-}" ]] || die "could not pick free ports"

# --- Broker configuration. --------------------------------------------------------------
cat >"$props" <<EOF
# Written by test/kafka/start.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
# Loopback only: this broker is for tests on this machine.
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
# One node: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Fewer internal partitions than the default 50: every fresh broker creates these topics on
# its first group join and first transaction, so fewer partitions make that first step faster.
# Nothing a client observes depends on these counts.
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
# Tests should not wait 3 s for the first rebalance of every new group.
group.initial.rebalance.delay.ms=0
# Kafka's defaults for what kafkalite mirrors: one partition, auto-creation on.
num.partitions=1
auto.create.topics.enable=true
EOF

# --- Format storage (KRaft needs a cluster id written into the log dir first). -----------
# A Kafka Uuid is 16 random bytes in unpadded base64url: made here rather than by
# "StorageTool random-uuid", which would cost another JVM start. Like Kafka's
# Uuid.randomUuid(), never one starting with "-": the tool's argument parser would read it
# as an option.
cluster_id=$(node -e '
  const { randomBytes } = require("node:crypto")
  let id
  do id = randomBytes(16).toString("base64url"); while (id.startsWith("-"))
  process.stdout.write(id)')
jvm_common=(-cp "$classpath" "-Dlog4j.configuration=file:$here/log4j.properties" -Djava.awt.headless=true)
java "${jvm_common[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" >"$log_file" 2>&1 || {
  tail -n 30 "$log_file" >&2
  die "formatting the Kafka log dir failed (see $log_file)"
}

# --- Start the broker in the background. ------------------------------------------------
# nohup: survives the caller's shell ending. stdin/stdout/stderr are all redirected so the
# JVM holds no pipe of the caller: `start.sh | tail -n 1` and $(start.sh) return at once.
# The JVM flags follow Kafka's own kafka-server-start.sh (G1, short pauses).
broker_start_ms=$(date +%s%3N)
# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of flags.
nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
  "${jvm_common[@]}" kafka.Kafka "$props" </dev/null >>"$log_file" 2>&1 &
broker_pid=$!
echo "$broker_pid" >"$pid_file"

# From here on, any failure must not leave a half-started broker behind.
stop_on_failure() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then "$here/stop.sh" >&2 || true; fi
}
trap stop_on_failure EXIT

# --- Wait until it serves a metadata request (bounded). ---------------------------------
wait_rc=0
node "$here/wait-ready.mjs" "127.0.0.1:$port" "$((timeout_s * 1000))" "$broker_pid" || wait_rc=$?
case "$wait_rc" in
  0) ;;
  2) die "kafkajs is not installed (npm install) so readiness cannot be checked" ;;
  3)
    tail -n 40 "$log_file" >&2
    die "the broker process exited during startup (full log: $log_file)"
    ;;
  *)
    tail -n 40 "$log_file" >&2
    die "the broker did not answer a metadata request on 127.0.0.1:$port within ${timeout_s}s (full log: $log_file)"
    ;;
esac

now_ms=$(date +%s%3N)
say "broker pid $broker_pid ready on 127.0.0.1:$port (JVM start to ready $((now_ms - broker_start_ms)) ms, log $log_file)"
echo "KAFKA_START_MS=$((now_ms - script_start_ms))"
echo "KAFKA_BROKERS=127.0.0.1:$port"
