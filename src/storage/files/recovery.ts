/**
 * Opening a partition directory: what is on disk becomes the partition's segments, and nothing
 * that fails its CRC is ever handed to a reader.
 *
 * - Leftovers of interrupted operations are removed: temp files (`*.tmp`), compaction output not
 *   yet renamed into place (`*.cleaned`), segments below the checkpoint's `segmentsStartOffset`
 *   (a deletion that was committed but not finished) and index files without a log.
 * - Closed segments are trusted when their index file matches the log (same size, and the last
 *   batch's frame has the recorded CRC); otherwise the segment is scanned and its index rebuilt.
 *   A corrupt frame in a closed segment is never truncated: it is logged, skipped when the frame
 *   after it is intact, and reported to whoever reads its offsets as CORRUPT_MESSAGE.
 * - The active (last) segment is CRC-scanned from its recovery point (where its index file,
 *   written at the last clean close or roll, says the fsynced log ended; from the start when there
 *   is none) to its end, and truncated at the first torn or corrupt frame, with a log line saying
 *   what was cut.
 * A read-only open does all of this in memory: it removes, truncates and rewrites nothing.
 */
import { join } from 'node:path'
import { KafkaliteError } from '../../common/errors.js'
import { readWholeFile, removeFile, replaceFramedFile, TEMPORARY_SUFFIX } from './atomic-file.js'
import { ioError, type StorageContext } from './context.js'
import { fileErrorCode } from './file-system.js'
import { describeFrameStatus, FrameStatus, frameChecksum } from './frame.js'
import { encodeIndexPayload, loadIndexFile } from './index-file.js'
import { FILE_STORAGE_LIMITS } from './limits.js'
import { type PartitionCheckpoint, readPartitionCheckpoint } from './partition-checkpoint.js'
import { SEGMENT_RELATIVE_OFFSET_MAX, Segment } from './segment.js'
import { FrameScanner, parseSegmentFileName, SCAN_END, SegmentFile, segmentFileName } from './segment-file.js'

/** Suffix of a compacted segment written beside the one it replaces, before the rename. */
export const CLEANED_SUFFIX = '.cleaned'

/** A partition as recovered from its directory. */
export interface RecoveredPartition {
  /** Oldest first; the last is the active segment. */
  readonly segments: Segment[]
  readonly checkpoint: PartitionCheckpoint
}

/** A valid frame whose batch does not belong where it lies (not a FrameStatus: those are > -5). */
const MISPLACED_BATCH = -5

/**
 * Recovers one partition directory (which must exist).
 * @throws KafkaliteError STORAGE_ERROR on I/O errors, or when the active segment holds frames of a
 * newer format version
 */
export function recoverPartition(context: StorageContext, directory: string): RecoveredPartition {
  const names = listDirectory(context, directory)
  if (!context.readOnly) removeLeftovers(context, directory, names)
  const checkpointRead = readPartitionCheckpoint(context.fileSystem, directory)
  if (checkpointRead.problems.length > 0) {
    context.log(
      'warn',
      `partition checkpoint in ${directory} is damaged; using the ${checkpointRead.source} version`,
      {
        problems: checkpointRead.problems,
      },
    )
  }
  const bases = segmentBases(context, directory, names, checkpointRead.checkpoint?.segmentsStartOffset ?? 0)
  if (bases.length === 0) bases.push(checkpointRead.checkpoint?.segmentsStartOffset ?? 0)
  const segments: Segment[] = []
  for (let index = 0; index < bases.length; index++) {
    const base = bases[index] as number
    const active = index === bases.length - 1
    segments.push(
      active ? openActiveSegment(context, directory, base) : openClosedSegment(context, directory, base),
    )
  }
  const firstBase = (segments[0] as Segment).baseOffset
  const checkpoint = checkpointRead.checkpoint ?? {
    logStartOffset: firstBase,
    segmentsStartOffset: firstBase,
  }
  return { segments, checkpoint }
}

function listDirectory(context: StorageContext, directory: string): string[] {
  try {
    return context.fileSystem.readDirectory(directory).sort()
  } catch (error) {
    // A read-only store opens partitions that the writer has not created yet as empty.
    if (context.readOnly && fileErrorCode(error) === 'ENOENT') return []
    throw ioError('list', directory, error)
  }
}

function removeLeftovers(context: StorageContext, directory: string, names: string[]): void {
  for (const name of names) {
    if (!name.endsWith(TEMPORARY_SUFFIX) && !name.endsWith(CLEANED_SUFFIX)) continue
    context.log('info', `removing ${join(directory, name)}, left by an interrupted write`)
    removeFile(context.fileSystem, join(directory, name))
  }
}

/** Base offsets of the segments to open, ascending; finishes committed deletions on the way. */
function segmentBases(
  context: StorageContext,
  directory: string,
  names: readonly string[],
  segmentsStartOffset: number,
): number[] {
  const logs: number[] = []
  const indexes = new Set<number>()
  for (const name of names) {
    const log = parseSegmentFileName(name, '.log')
    if (log !== null) logs.push(log)
    const index = parseSegmentFileName(name, '.index')
    if (index !== null) indexes.add(index)
  }
  logs.sort((left, right) => left - right)
  let first = 0
  while (first < logs.length - 1 && (logs[first] as number) < segmentsStartOffset) first++
  const deleted = logs.slice(0, first)
  const kept = logs.slice(first)
  if (context.readOnly) return kept
  for (const base of deleted) {
    context.log('info', `finishing the deletion of segment ${base} in ${directory}`)
    removeFile(context.fileSystem, join(directory, segmentFileName(base, '.log')))
  }
  const keptSet = new Set(kept)
  for (const base of indexes) {
    if (!keptSet.has(base)) removeFile(context.fileSystem, join(directory, segmentFileName(base, '.index')))
  }
  return kept
}

function openClosedSegment(context: StorageContext, directory: string, base: number): Segment {
  const path = join(directory, segmentFileName(base, '.log'))
  const segment = new Segment(
    base,
    new SegmentFile(context.fileSystem, context.handles, path, { writable: false, pinned: false }),
  )
  const size = segment.file.sizeOnDisk()
  const problem = loadTrustedIndex(context, directory, segment, size, true)
  if (problem === null) return segment
  context.log(problem === 'no index file' ? 'info' : 'warn', `rebuilding the index of ${path}: ${problem}`)
  scanSegment(context, segment, size, false)
  if (!context.readOnly && segment.corruptTailPosition === -1) writeIndex(context, directory, segment)
  return segment
}

function openActiveSegment(context: StorageContext, directory: string, base: number): Segment {
  const path = join(directory, segmentFileName(base, '.log'))
  let file: SegmentFile
  if (!context.readOnly && context.fileSystem.stat(path) === null) {
    file = SegmentFile.create(context.fileSystem, context.handles, path)
    syncDirectory(context, directory)
  } else {
    file = new SegmentFile(context.fileSystem, context.handles, path, {
      writable: !context.readOnly,
      pinned: true,
    })
  }
  const segment = new Segment(base, file)
  const size = context.readOnly && context.fileSystem.stat(path) === null ? 0 : file.sizeOnDisk()
  const problem = loadTrustedIndex(context, directory, segment, size, false)
  if (problem !== null && size > 0) context.log('info', `scanning all of ${path} (${size} bytes): ${problem}`)
  scanSegment(context, segment, size, true)
  return segment
}

/** Loads the segment's index file if it matches the log; otherwise says why and leaves the segment empty. */
function loadTrustedIndex(
  context: StorageContext,
  directory: string,
  segment: Segment,
  size: number,
  closed: boolean,
): string | null {
  const content = readWholeFile(
    context.fileSystem,
    join(directory, segmentFileName(segment.baseOffset, '.index')),
  )
  if (content === null) return 'no index file'
  const problem = loadIndexFile(content, segment)
  if (problem !== null) return `index file: ${problem}`
  const sizeMatches = closed ? segment.fileBytes === size : segment.fileBytes <= size
  if (!sizeMatches || !lastFrameMatches(context, segment)) {
    segment.reset()
    return 'index file does not match the log'
  }
  return null
}

function lastFrameMatches(context: StorageContext, segment: Segment): boolean {
  if (segment.batchCount === 0) return segment.fileBytes === 0
  const scanner = new FrameScanner(segment.file, context.scratch, {
    start: segment.lastBatchPosition,
    end: segment.fileBytes,
    blockBytes: 0,
  })
  try {
    const status = scanner.next()
    const header = scanner.header
    return (
      status > 0 &&
      scanner.nextPosition === segment.fileBytes &&
      frameChecksum(scanner.block, scanner.frameStart) === segment.lastFrameChecksum &&
      header.baseOffset + header.lastOffsetDelta + 1 === segment.endOffset
    )
  } finally {
    scanner.close()
  }
}

/**
 * Scans the segment from where its state ends to `size`, observing every intact frame. The active
 * segment is truncated at the first bad frame; a closed one steps over a bad frame when the frame
 * after it is intact, and otherwise marks its tail unreadable.
 */
function scanSegment(context: StorageContext, segment: Segment, size: number, active: boolean): void {
  const scanner = new FrameScanner(segment.file, context.scratch, {
    start: segment.fileBytes,
    end: size,
    blockBytes: FILE_STORAGE_LIMITS.readBlockBytesMax,
  })
  try {
    for (;;) {
      let status = scanner.next()
      if (status === SCAN_END) return
      if (status > 0 && !batchFits(segment, scanner)) status = MISPLACED_BATCH
      if (status > 0) {
        segment.observe(
          scanner.header,
          scanner.position,
          status,
          frameChecksum(scanner.block, scanner.frameStart),
          context.indexIntervalBytes,
        )
        continue
      }
      const position = scanner.nextPosition
      if (active) {
        cutTail(context, segment, position, size, status)
        return
      }
      if (!stepOverBadFrame(context, segment, scanner, position, status)) {
        segment.corruptTailPosition = position
        context.log(
          'warn',
          `${segment.file.path} is unreadable from position ${position} (${describe(status)}); readers of offsets from ${segment.endOffset} get CORRUPT_MESSAGE`,
        )
        return
      }
    }
  } finally {
    scanner.close()
  }
}

function batchFits(segment: Segment, scanner: FrameScanner): boolean {
  const header = scanner.header
  const relative = header.baseOffset - segment.baseOffset
  return (
    Number.isSafeInteger(header.baseOffset) &&
    header.baseOffset >= segment.endOffset &&
    relative + header.lastOffsetDelta <= SEGMENT_RELATIVE_OFFSET_MAX
  )
}

function stepOverBadFrame(
  context: StorageContext,
  segment: Segment,
  scanner: FrameScanner,
  position: number,
  status: number,
): boolean {
  if (status === FrameStatus.Incomplete || status === FrameStatus.BadLength) return false
  const after = position + scanner.announcedBytes
  scanner.skipTo(after)
  context.log(
    'warn',
    `the batch frame at position ${position} of ${segment.file.path} is corrupt (${describe(status)}); readers of its offsets get CORRUPT_MESSAGE`,
  )
  segment.skipTo(after)
  return true
}

function cutTail(
  context: StorageContext,
  segment: Segment,
  position: number,
  size: number,
  status: number,
): void {
  const path = segment.file.path
  if (status === FrameStatus.UnknownVersion) {
    throw new KafkaliteError(
      'STORAGE_ERROR',
      `${path} holds a frame at position ${position} written by a newer kafkalite; upgrade to read it`,
      {
        retriable: false,
      },
    )
  }
  const cut = size - position
  const what = `${cut} bytes at position ${position} of ${path} (${describe(status)}); the log now ends at offset ${segment.endOffset}`
  if (context.readOnly) {
    context.log('warn', `ignoring ${what} (read-only: nothing truncated)`)
    return
  }
  try {
    segment.file.truncate(position)
    segment.file.sync()
  } catch (error) {
    throw ioError('truncate', path, error)
  }
  context.log('warn', `truncated ${what}`, { path, position, cutBytes: cut, endOffset: segment.endOffset })
}

function describe(status: number): string {
  return status === MISPLACED_BATCH ? 'a batch out of offset order' : describeFrameStatus(status)
}

/** Writes a segment's index file (a hint: no fsync). */
export function writeIndex(context: StorageContext, directory: string, segment: Segment): void {
  replaceFramedFile(
    context.fileSystem,
    directory,
    segmentFileName(segment.baseOffset, '.index'),
    encodeIndexPayload(segment),
    false,
  )
}

/** fsync of a directory, as a STORAGE_ERROR on failure. */
export function syncDirectory(context: StorageContext, directory: string): void {
  try {
    context.fileSystem.syncDirectory(directory)
  } catch (error) {
    throw ioError('fsync', directory, error)
  }
}
