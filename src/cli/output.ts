/**
 * Buffered line output with backpressure. A reader that goes away (`kafkalite consume | head -1`)
 * shows up as EPIPE: output stops quietly and `closed` turns true, so the command can stop early
 * without a stack trace.
 */
import type { CliOutput } from './context.js'

/** Bytes gathered before a write; large enough that a write per record is avoided. */
const OUTPUT_BUFFER_BYTES = 64 * 1024

/** Lines to one stream, written in chunks. */
export class LineOutput {
  readonly #stream: CliOutput
  #buffer = ''
  #closed = false
  #failure: unknown = null

  constructor(stream: CliOutput) {
    this.#stream = stream
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.#closed = true
      if (error.code !== 'EPIPE') this.#failure = error
    })
  }

  /** True once the reader has gone away (EPIPE) or the stream failed. */
  get closed(): boolean {
    return this.#closed
  }

  /** Adds one line; call `flushIfFull()` now and then and `flush()` at the end. */
  line(text: string): void {
    if (!this.#closed) this.#buffer += `${text}\n`
  }

  /** Writes when enough has gathered. */
  async flushIfFull(): Promise<void> {
    if (this.#buffer.length >= OUTPUT_BUFFER_BYTES) await this.flush()
  }

  /**
   * Writes everything gathered and waits while the stream is full.
   * @throws the stream's error, when it failed for another reason than a closed reader
   */
  async flush(): Promise<void> {
    const chunk = this.#buffer
    this.#buffer = ''
    if (chunk !== '' && !this.#closed && !this.#stream.write(chunk)) await this.#drained()
    if (this.#failure !== null) throw this.#failure
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#stream.off('drain', done)
        this.#stream.off('error', done)
        this.#stream.off('close', done)
        resolve()
      }
      this.#stream.on('drain', done)
      this.#stream.on('error', done)
      this.#stream.on('close', done)
    })
  }
}
