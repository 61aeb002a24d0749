/**
 * Frames: how every byte the file store writes is delimited and checked.
 *
 * ## Format (versions 1 and 2)
 *
 * Every file the store writes is a sequence of frames (segment files) or exactly one frame (index,
 * topic metadata, partition checkpoint and lock files). All integers are little-endian.
 *
 * ```
 * offset  size    field
 * 0       4       length    u32: bytes of payload (the header is not counted)
 * 4       4       crc32     u32: CRC-32 (IEEE 802.3, as zlib.crc32 computes it) of bytes
 *                           8 .. 10 + length, that is of version and payload together
 * 8       2       version   u16: format version of the payload (see below)
 * 10      length  payload   what the file kind defines (codec.ts for batches, index-file.ts,
 *                           topic-metadata.ts, partition-checkpoint.ts, directory-lock.ts)
 * ```
 *
 * A frame is valid when its whole length is present, `length` is at most
 * `FILE_STORAGE_LIMITS.frameBytesMax`, the CRC matches and the version is one this build reads.
 * Readers never return the payload of an invalid frame. In a segment file, the first invalid frame
 * ends what recovery keeps of the active segment (a torn or corrupt tail is truncated there); in a
 * closed segment it is reported to the reader as `CORRUPT_MESSAGE`.
 *
 * ## Versions
 *
 * - 1: the first format.
 * - 2: batches may use the packed-records layout (flag bit 3, codec.ts); every other payload is as
 *   in version 1.
 *
 * ## Changing the format
 *
 * The version lives in every frame, so files of mixed versions can coexist: a segment may hold
 * version-1 frames followed by version-2 frames after an upgrade.
 * - A new payload layout gets the next version number. Writers always write the newest version;
 *   readers keep decoding every older version they have ever written (add a branch on `version`
 *   in the payload's decoder, never change what an existing number means).
 * - A reader that meets a version newer than it knows treats the frame as unreadable: recovery
 *   refuses to truncate it (it is not corrupt, it is from the future) and reports STORAGE_ERROR
 *   asking for a newer kafkalite. Downgrades are therefore not supported once new frames exist.
 * - The 10-byte header itself never changes; a different header would need a different file
 *   extension, so that old readers do not mistake it for frames.
 * - There is no in-place migration: old segments are read as they are and disappear through
 *   retention or compaction, which rewrites them in the newest version.
 */
import { crc32 } from 'node:zlib'
import { FILE_STORAGE_LIMITS } from './limits.js'

/** Bytes before the payload: length, crc32, version. */
export const FRAME_HEADER_BYTES = 10

/** The payload format version this build writes. */
export const FRAME_VERSION = 2

/** The newest payload format version this build reads. */
export const FRAME_VERSION_MAX = 2

/** Why a frame could not be read (negative, so that results ≥ 0 can be frame sizes). */
export const FrameStatus = {
  /** Fewer bytes are available than the header or the length announce. */
  Incomplete: -1,
  /** The length field is larger than any frame kafkalite writes. */
  BadLength: -2,
  /** The CRC does not match the bytes. */
  BadChecksum: -3,
  /** Valid CRC, but a version this build does not read (written by a newer kafkalite). */
  UnknownVersion: -4,
} as const
export type FrameStatus = (typeof FrameStatus)[keyof typeof FrameStatus]

/** Allocates a frame for `payloadBytes` bytes of payload, to be written at FRAME_HEADER_BYTES and then sealed. */
export function allocateFrame(payloadBytes: number): Buffer {
  return Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes)
}

/** Fills in length, version and crc32 of a frame whose payload is already in place. */
export function sealFrame(frame: Buffer, version: number = FRAME_VERSION): number {
  frame.writeUInt32LE(frame.length - FRAME_HEADER_BYTES, 0)
  frame.writeUInt16LE(version, 8)
  const checksum = crc32(frame.subarray(8))
  frame.writeUInt32LE(checksum, 4)
  return checksum
}

/** A complete frame holding a copy of `payload`. */
export function encodeFrame(payload: Uint8Array, version: number = FRAME_VERSION): Buffer {
  const frame = allocateFrame(payload.length)
  frame.set(payload, FRAME_HEADER_BYTES)
  sealFrame(frame, version)
  return frame
}

/** The total size a frame header at `start` announces (header included), without checking it. */
export function announcedFrameBytes(buffer: Buffer, start: number): number {
  return FRAME_HEADER_BYTES + buffer.readUInt32LE(start)
}

/** The stored crc32 of the frame at `start`. */
export function frameChecksum(buffer: Buffer, start: number): number {
  return buffer.readUInt32LE(start + 4)
}

/** The version of the frame at `start`. */
export function frameVersion(buffer: Buffer, start: number): number {
  return buffer.readUInt16LE(start + 8)
}

/**
 * Checks the frame at `start` given that bytes up to `end` are in `buffer`: returns its total size
 * (header included) when it is complete and valid, else a negative {@link FrameStatus}.
 */
export function inspectFrame(buffer: Buffer, start: number, end: number): number {
  if (end - start < FRAME_HEADER_BYTES) return FrameStatus.Incomplete
  const length = buffer.readUInt32LE(start)
  if (length > FILE_STORAGE_LIMITS.frameBytesMax) return FrameStatus.BadLength
  const total = FRAME_HEADER_BYTES + length
  if (end - start < total) return FrameStatus.Incomplete
  const checksum = crc32(buffer.subarray(start + 8, start + total))
  if (checksum !== buffer.readUInt32LE(start + 4)) return FrameStatus.BadChecksum
  const version = buffer.readUInt16LE(start + 8)
  if (version < 1 || version > FRAME_VERSION_MAX) return FrameStatus.UnknownVersion
  return total
}

/** Words for a log line or an error message. */
export function describeFrameStatus(status: number): string {
  switch (status) {
    case FrameStatus.Incomplete:
      return 'incomplete frame (torn write)'
    case FrameStatus.BadLength:
      return 'impossible frame length'
    case FrameStatus.BadChecksum:
      return 'CRC mismatch'
    case FrameStatus.UnknownVersion:
      return `frame version newer than ${FRAME_VERSION_MAX} (written by a newer kafkalite)`
    default:
      return 'valid frame'
  }
}

/**
 * The payload of a file that must be exactly one frame, or a negative {@link FrameStatus}
 * (`BadLength` when bytes follow the frame).
 */
export function singleFramePayload(file: Buffer): Buffer | FrameStatus {
  const total = inspectFrame(file, 0, file.length)
  if (total < 0) return total as FrameStatus
  if (total !== file.length) return FrameStatus.BadLength
  return file.subarray(FRAME_HEADER_BYTES)
}
