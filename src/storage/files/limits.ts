/**
 * Bounds and defaults of the file store. Units come last in every name. Going over a bound on the
 * write path raises `KafkaliteError('LIMIT_EXCEEDED')` naming it; on the read path a length past a
 * bound means the bytes are not a frame kafkalite wrote (CORRUPT_MESSAGE).
 */
export const FILE_STORAGE_LIMITS = Object.freeze({
  /** Largest frame (one encoded batch). Kafka's max.message.bytes is far below this. */
  frameBytesMax: 256 * 1024 * 1024,
  /**
   * Largest segment file. Index entries store positions as u32, so the store rolls on its own
   * before a segment file reaches this, whatever segment.bytes says.
   */
  segmentFileBytesMax: 2 ** 31 - 1,
  /** Largest index, metadata, checkpoint or lock file read whole into memory. */
  smallFileBytesMax: 256 * 1024 * 1024,
  /** Callers waiting in flush() at once. */
  flushWaitersMax: 1_000_000,
  /** Closed segment files held open for reading at once (file descriptors). */
  openReadFilesMax: 256,
  /** Largest block read from a segment in one call. */
  readBlockBytesMax: 4 * 1024 * 1024,
  /** Smallest block read from a segment in one call. */
  readBlockBytesMin: 64 * 1024,
  /** Partitions one store may hold open. */
  openPartitionsMax: 1_000_000,
})

/** Defaults a caller may override through `fileStorage()` options. */
export const FILE_STORAGE_DEFAULTS = Object.freeze({
  /** Period of `fsync: 'interval'`, in ms. */
  fsyncIntervalMs: 100,
  /** Frame bytes of recently appended batches kept decoded for readers that follow producers. */
  cacheBytes: 16 * 1024 * 1024,
  /** Log bytes between two sparse index entries (Kafka's index.interval.bytes). */
  indexIntervalBytes: 4096,
})
