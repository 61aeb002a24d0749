/**
 * A partition's checkpoint (`partition.checkpoint` in its directory), replaced atomically and
 * durably (atomic-file.ts):
 * - `logStartOffset`, which only the engine moves (retention, deleteRecords);
 * - `segmentsStartOffset`: segments below it are deleted. It is written before their files are
 *   removed, so that deleting several segments is all or nothing: a crash midway leaves files that
 *   the next open removes.
 *
 * Payload (frame version 1): f64 logStartOffset, f64 segmentsStartOffset (little-endian).
 */
import { join } from 'node:path'
import { readFramedFile, replaceFramedFile } from './atomic-file.js'
import type { FileSystem } from './file-system.js'

/** File name of the checkpoint in a partition's directory. */
export const PARTITION_CHECKPOINT_FILE = 'partition.checkpoint'

const PAYLOAD_BYTES = 16

/** What a partition's checkpoint records. */
export interface PartitionCheckpoint {
  readonly logStartOffset: number
  readonly segmentsStartOffset: number
}

/** Writes the checkpoint atomically and durably. @throws KafkaliteError STORAGE_ERROR */
export function writePartitionCheckpoint(
  fileSystem: FileSystem,
  directory: string,
  checkpoint: PartitionCheckpoint,
): void {
  const payload = Buffer.alloc(PAYLOAD_BYTES)
  payload.writeDoubleLE(checkpoint.logStartOffset, 0)
  payload.writeDoubleLE(checkpoint.segmentsStartOffset, 8)
  replaceFramedFile(fileSystem, directory, PARTITION_CHECKPOINT_FILE, payload, true)
}

/** What {@link readPartitionCheckpoint} found: null when there is none or it is unreadable. */
export interface PartitionCheckpointRead {
  readonly checkpoint: PartitionCheckpoint | null
  readonly source: 'current' | 'previous' | 'none'
  readonly problems: readonly string[]
}

/** Reads the checkpoint, falling back to its previous version. @throws KafkaliteError STORAGE_ERROR on I/O errors */
export function readPartitionCheckpoint(fileSystem: FileSystem, directory: string): PartitionCheckpointRead {
  let checkpoint: PartitionCheckpoint | null = null
  const read = readFramedFile(fileSystem, join(directory, PARTITION_CHECKPOINT_FILE), (payload) => {
    if (payload.length !== PAYLOAD_BYTES) return 'wrong size'
    const logStartOffset = payload.readDoubleLE(0)
    const segmentsStartOffset = payload.readDoubleLE(8)
    if (!Number.isSafeInteger(logStartOffset) || !Number.isSafeInteger(segmentsStartOffset))
      return 'offsets are not integers'
    checkpoint = { logStartOffset, segmentsStartOffset }
    return null
  })
  return { checkpoint, source: read.source, problems: read.problems }
}
