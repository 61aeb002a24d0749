/**
 * Topic metadata (`topics.meta` in the store's root): every topic's name, partition count, explicit
 * config, id and creation time, replaced whole and atomically (atomic-file.ts: temp file, fsync,
 * rename, fsync the directory, previous version kept as `topics.meta.prev`).
 *
 * Payload (frame version 1): msgpack of `{ topics: [{ name, partitionCount, config, topicId,
 * createdMs }] }` through codec.ts's Packr.
 */
import { join } from 'node:path'
import { KafkaliteError } from '../../common/errors.js'
import type { StoredTopic } from '../storage.js'
import { readFramedFile, replaceFramedFile } from './atomic-file.js'
import { decodeValue, encodeValue } from './codec.js'
import type { FileSystem } from './file-system.js'

/** File name of the topic metadata in the store's root. */
export const TOPIC_METADATA_FILE = 'topics.meta'

/** What {@link readTopicMetadata} found. */
export interface TopicMetadataRead {
  readonly topics: readonly StoredTopic[]
  /** 'current' is the normal case; 'previous' means the latest replace was lost or damaged. */
  readonly source: 'current' | 'previous' | 'none'
  readonly problems: readonly string[]
}

/** Writes every topic's metadata at once, atomically and durably. @throws KafkaliteError STORAGE_ERROR */
export function writeTopicMetadata(
  fileSystem: FileSystem,
  directory: string,
  topics: readonly StoredTopic[],
): void {
  const plain = topics.map((topic) => ({
    name: topic.name,
    partitionCount: topic.partitionCount,
    config: { ...topic.config },
    topicId: topic.topicId,
    createdMs: topic.createdMs,
  }))
  replaceFramedFile(fileSystem, directory, TOPIC_METADATA_FILE, encodeValue({ topics: plain }), true)
}

/**
 * Reads the topic metadata, falling back to the previous version when the current one is missing
 * or damaged.
 * @throws KafkaliteError STORAGE_ERROR when both versions exist and both are damaged
 */
export function readTopicMetadata(fileSystem: FileSystem, directory: string): TopicMetadataRead {
  let topics: StoredTopic[] = []
  const read = readFramedFile(fileSystem, join(directory, TOPIC_METADATA_FILE), (payload) => {
    const decoded = decodeTopics(payload)
    if (typeof decoded === 'string') return decoded
    topics = decoded
    return null
  })
  if (read.payload === null && read.problems.length > 0) {
    throw new KafkaliteError('STORAGE_ERROR', `topic metadata is damaged: ${read.problems.join('; ')}`, {
      retriable: false,
    })
  }
  return { topics, source: read.source, problems: read.problems }
}

function decodeTopics(payload: Buffer): StoredTopic[] | string {
  let decoded: unknown
  try {
    decoded = decodeValue(payload)
  } catch {
    return 'not msgpack'
  }
  const list = (decoded as { topics?: unknown } | null)?.topics
  if (!Array.isArray(list)) return 'no topic list'
  const topics: StoredTopic[] = []
  for (const item of list) {
    const topic = decodeTopic(item)
    if (topic === null) return 'a topic entry is malformed'
    topics.push(topic)
  }
  return topics
}

function decodeTopic(item: unknown): StoredTopic | null {
  if (typeof item !== 'object' || item === null) return null
  const { name, partitionCount, config, topicId, createdMs } = item as Record<string, unknown>
  if (typeof name !== 'string' || typeof topicId !== 'string' || typeof createdMs !== 'number') return null
  if (typeof partitionCount !== 'number' || !Number.isSafeInteger(partitionCount) || partitionCount < 0)
    return null
  if (typeof config !== 'object' || config === null) return null
  const entries: Record<string, string> = {}
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') return null
    entries[key] = value
  }
  return { name, partitionCount, config: entries, topicId, createdMs }
}
