// Used by start.sh: `node wait-ready.mjs HOST:PORT TIMEOUT_MS PID` exits 0 once the broker
// answers a metadata request, 1 when TIMEOUT_MS pass first, 2 when kafkajs is not installed,
// 3 as soon as process PID (the broker's JVM) has died, so a broker that fails at boot is
// reported at once rather than after the whole timeout. "Answers a metadata
// request" is the readiness that matters to the tests: the port is open well before the
// broker has joined its own KRaft quorum and can serve clients.
const [broker, timeoutArg, pidArg] = process.argv.slice(2)
const deadline = Date.now() + Number(timeoutArg ?? 90_000)

let kafkajs
try {
  kafkajs = await import('kafkajs')
} catch {
  console.error('start.sh: the kafkajs package is missing; run `npm install` in the repository first')
  process.exit(2)
}
const { Kafka, logLevel } = kafkajs.default ?? kafkajs

// One short attempt at a time, no kafkajs retries: the loop below owns the waiting, and a
// connection refused while the JVM boots is expected, so kafkajs's own logging stays off.
const kafka = new Kafka({
  clientId: 'kafkalite-start-sh',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
})

function brokerAlive() {
  if (!pidArg) return true
  try {
    process.kill(Number(pidArg), 0)
    return true
  } catch {
    return false
  }
}

while (Date.now() < deadline) {
  if (!brokerAlive()) process.exit(3)
  const admin = kafka.admin()
  try {
    await admin.connect()
    await admin.listTopics()
    await admin.disconnect()
    process.exit(0)
  } catch {
    await admin.disconnect().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
process.exit(1)
