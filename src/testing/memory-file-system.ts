/**
 * An in-memory `FileSystem` for deterministic crash tests of the file store (kfake's memFS).
 *
 * It models what survives which kind of crash:
 * - a crash of the process (`afterCrash()`): everything written survives, including the first
 *   part of a write the crash interrupted (`crashAfterBytes`);
 * - a crash of the machine (`afterPowerLoss()`): only what was fsynced survives: a file's contents
 *   as of its last fsync, and a directory's entries (creations, renames, deletions) as of its last
 *   directory fsync. This is the pessimistic model that POSIX allows, stricter than ext4's usual
 *   behaviour.
 *
 * Faults: `failNextWrite()` (optionally after writing part of the bytes, like ENOSPC midway),
 * `failNextSync()`, `crashAfterBytes(n)` (the write that crosses n bytes is torn there and the file
 * system stops: every later call throws `SimulatedCrashError`), and `crashOn(operation, skip)` to
 * stop at a named operation, e.g. between the two renames of an atomic replace.
 * Paths are POSIX and absolute.
 */
import type { FileOpenMode, FileStat, FileSystem } from '../storage/files/file-system.js'

/** Thrown by every call after a simulated crash. */
export class SimulatedCrashError extends Error {
  readonly code = 'ECRASH'
  constructor(operation: string) {
    super(`simulated crash (during ${operation})`)
    this.name = 'SimulatedCrashError'
  }
}

/** Operations `crashOn` can stop at (before they take effect). */
export type MemoryFileSystemOperation =
  | 'write'
  | 'sync'
  | 'rename'
  | 'link'
  | 'unlink'
  | 'open'
  | 'truncate'
  | 'makeDirectory'
  | 'removeDirectory'

interface FileNode {
  readonly kind: 'file'
  /** Current contents (capacity may exceed length). */
  data: Buffer
  length: number
  /** Contents as of the last fsync. */
  durable: Buffer
}

interface DirectoryNode {
  readonly kind: 'directory'
  entries: Map<string, Node>
  /** Entries as of the last fsync of this directory. */
  durableEntries: Map<string, Node>
}

type Node = FileNode | DirectoryNode

interface Descriptor {
  readonly node: FileNode
  readonly writable: boolean
}

function fileSystemError(code: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path })
}

function newDirectory(): DirectoryNode {
  return { kind: 'directory', entries: new Map(), durableEntries: new Map() }
}

function splitPath(path: string): string[] {
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return parts
}

/** A FileSystem in memory, with fault injection and crash simulation. */
export class MemoryFileSystem implements FileSystem {
  #root: DirectoryNode = newDirectory()
  readonly #descriptors = new Map<number, Descriptor>()
  #nextDescriptor = 3
  #crashed = false
  #crashBudgetBytes: number | null = null
  #crashOn: { operation: MemoryFileSystemOperation; skip: number } | null = null
  #failWrite: { code: string; afterBytes: number } | null = null
  #failSync: { code: string } | null = null
  /** Bytes written so far (all files). */
  bytesWritten = 0
  /** fsyncs of files and directories so far. */
  syncCount = 0

  /** True once a simulated crash happened. */
  get crashed(): boolean {
    return this.#crashed
  }

  /** The next write throws `code` (default EIO), after writing `afterBytes` of its bytes (default 0). */
  failNextWrite(options: { code?: string; afterBytes?: number } = {}): void {
    this.#failWrite = { code: options.code ?? 'EIO', afterBytes: options.afterBytes ?? 0 }
  }

  /** The next fsync (file or directory, blocking or not) throws `code` (default EIO). */
  failNextSync(options: { code?: string } = {}): void {
    this.#failSync = { code: options.code ?? 'EIO' }
  }

  /** Crash once `bytes` more bytes have been written: the write crossing the mark is torn there. */
  crashAfterBytes(bytes: number): void {
    this.#crashBudgetBytes = bytes
  }

  /** Crash when `operation` is called for the (skip + 1)-th time from now, before it takes effect. */
  crashOn(operation: MemoryFileSystemOperation, skip = 0): void {
    this.#crashOn = { operation, skip }
  }

  /** The disk as a restarted process sees it after a crash of this one: everything written. */
  afterCrash(): MemoryFileSystem {
    return this.#cloneWith(
      (node) => node.entries,
      (node) => node.data.subarray(0, node.length),
    )
  }

  /** The disk as it is after a power loss: only fsynced contents and directory entries. */
  afterPowerLoss(): MemoryFileSystem {
    return this.#cloneWith(
      (node) => node.durableEntries,
      (node) => node.durable,
    )
  }

  /** Test helper: a copy of a file's contents. */
  readFile(path: string): Buffer {
    const node = this.#file(path, 'readFile')
    return Buffer.from(node.data.subarray(0, node.length))
  }

  /** Test helper: replaces a file's contents (created if missing), durably. */
  writeFile(path: string, content: Uint8Array): void {
    const { parent, name } = this.#parentOf(path, 'writeFile')
    const node: FileNode = {
      kind: 'file',
      data: Buffer.from(content),
      length: content.length,
      durable: Buffer.from(content),
    }
    parent.entries.set(name, node)
    parent.durableEntries.set(name, node)
  }

  /** Test helper: XORs one byte of a file (default: flips every bit), durably. */
  flipByte(path: string, position: number, mask = 0xff): void {
    const content = this.readFile(path)
    if (position < 0 || position >= content.length)
      throw new RangeError(`position ${position} is outside ${path}`)
    content[position] = (content[position] as number) ^ mask
    this.writeFile(path, content)
  }

  open(path: string, mode: FileOpenMode): number {
    this.#enter('open')
    const { parent, name } = this.#parentOf(path, 'open')
    let node = parent.entries.get(name)
    if (node?.kind === 'directory') throw fileSystemError('EISDIR', 'open', path)
    if (mode === 'createExclusive' && node !== undefined) throw fileSystemError('EEXIST', 'open', path)
    if ((mode === 'read' || mode === 'readWrite') && node === undefined)
      throw fileSystemError('ENOENT', 'open', path)
    if (node === undefined) {
      node = { kind: 'file', data: Buffer.alloc(0), length: 0, durable: Buffer.alloc(0) }
      parent.entries.set(name, node)
    } else if (mode === 'createOrTruncate') {
      node.length = 0
    }
    const fd = this.#nextDescriptor++
    this.#descriptors.set(fd, { node, writable: mode !== 'read' })
    return fd
  }

  close(fd: number): void {
    this.#enter('close')
    if (!this.#descriptors.delete(fd)) throw fileSystemError('EBADF', 'close', String(fd))
  }

  read(fd: number, buffer: Uint8Array, bufferOffset: number, length: number, position: number): number {
    this.#enter('read')
    const { node } = this.#descriptor(fd, 'read')
    const available = Math.max(0, Math.min(length, node.length - position))
    buffer.set(node.data.subarray(position, position + available), bufferOffset)
    return available
  }

  write(fd: number, buffer: Uint8Array, bufferOffset: number, length: number, position: number): number {
    this.#enter('write')
    const descriptor = this.#descriptor(fd, 'write')
    if (!descriptor.writable) throw fileSystemError('EBADF', 'write', String(fd))
    let count = length
    let failure: Error | null = null
    if (this.#failWrite !== null) {
      count = Math.min(length, this.#failWrite.afterBytes)
      failure = fileSystemError(this.#failWrite.code, 'write', String(fd))
      this.#failWrite = null
    }
    if (this.#crashBudgetBytes !== null && count > this.#crashBudgetBytes) {
      count = this.#crashBudgetBytes
      failure = new SimulatedCrashError('write')
      this.#crashed = true
    }
    if (this.#crashBudgetBytes !== null) this.#crashBudgetBytes -= count
    this.#store(descriptor.node, buffer.subarray(bufferOffset, bufferOffset + count), position)
    this.bytesWritten += count
    if (failure !== null) throw failure
    return count
  }

  truncate(fd: number, lengthBytes: number): void {
    this.#enter('truncate')
    const { node } = this.#descriptor(fd, 'truncate')
    if (lengthBytes > node.length) this.#store(node, new Uint8Array(lengthBytes - node.length), node.length)
    node.length = lengthBytes
  }

  sizeOf(fd: number): number {
    this.#enter('sizeOf')
    return this.#descriptor(fd, 'fstat').node.length
  }

  sync(fd: number): void {
    this.#enter('sync')
    const { node } = this.#descriptor(fd, 'fsync')
    this.#checkSyncFault('fsync')
    node.durable = Buffer.from(node.data.subarray(0, node.length))
    this.syncCount++
  }

  syncData(fd: number): Promise<void> {
    try {
      this.sync(fd)
      return Promise.resolve()
    } catch (error) {
      return Promise.reject(error)
    }
  }

  syncDirectory(path: string): void {
    this.#enter('sync')
    const node = this.#lookup(path)
    if (node?.kind !== 'directory')
      throw fileSystemError(node === undefined ? 'ENOENT' : 'ENOTDIR', 'fsync', path)
    this.#checkSyncFault('fsync')
    node.durableEntries = new Map(node.entries)
    this.syncCount++
  }

  stat(path: string): FileStat | null {
    this.#enter('stat')
    const node = this.#lookup(path)
    if (node === undefined) return null
    return { sizeBytes: node.kind === 'file' ? node.length : 0, isDirectory: node.kind === 'directory' }
  }

  readDirectory(path: string): string[] {
    this.#enter('readDirectory')
    const node = this.#lookup(path)
    if (node === undefined) throw fileSystemError('ENOENT', 'scandir', path)
    if (node.kind !== 'directory') throw fileSystemError('ENOTDIR', 'scandir', path)
    return [...node.entries.keys()].sort()
  }

  makeDirectory(path: string): void {
    this.#enter('makeDirectory')
    const { parent, name } = this.#parentOf(path, 'mkdir')
    if (parent.entries.has(name)) throw fileSystemError('EEXIST', 'mkdir', path)
    parent.entries.set(name, newDirectory())
  }

  rename(from: string, to: string): void {
    this.#enter('rename')
    const source = this.#parentOf(from, 'rename')
    const node = source.parent.entries.get(source.name)
    if (node === undefined) throw fileSystemError('ENOENT', 'rename', from)
    const target = this.#parentOf(to, 'rename')
    const existing = target.parent.entries.get(target.name)
    if (existing !== undefined && existing.kind !== node.kind) throw fileSystemError('EISDIR', 'rename', to)
    if (existing?.kind === 'directory' && existing.entries.size > 0)
      throw fileSystemError('ENOTEMPTY', 'rename', to)
    source.parent.entries.delete(source.name)
    target.parent.entries.set(target.name, node)
  }

  link(existingPath: string, newPath: string): void {
    this.#enter('link')
    const node = this.#lookup(existingPath)
    if (node === undefined) throw fileSystemError('ENOENT', 'link', existingPath)
    if (node.kind !== 'file') throw fileSystemError('EPERM', 'link', existingPath)
    const target = this.#parentOf(newPath, 'link')
    if (target.parent.entries.has(target.name)) throw fileSystemError('EEXIST', 'link', newPath)
    target.parent.entries.set(target.name, node)
  }

  unlink(path: string): void {
    this.#enter('unlink')
    const { parent, name } = this.#parentOf(path, 'unlink')
    const node = parent.entries.get(name)
    if (node === undefined) throw fileSystemError('ENOENT', 'unlink', path)
    if (node.kind === 'directory') throw fileSystemError('EISDIR', 'unlink', path)
    parent.entries.delete(name)
  }

  removeDirectory(path: string): void {
    this.#enter('removeDirectory')
    const parts = splitPath(path)
    const name = parts.pop()
    if (name === undefined) throw fileSystemError('EPERM', 'rm', path)
    const parent = this.#walk(parts)
    if (parent?.kind === 'directory') parent.entries.delete(name)
  }

  #enter(operation: string): void {
    if (this.#crashed) throw new SimulatedCrashError(operation)
    const crashOn = this.#crashOn
    if (crashOn === null || crashOn.operation !== operation) return
    if (crashOn.skip > 0) {
      crashOn.skip--
      return
    }
    this.#crashOn = null
    this.#crashed = true
    throw new SimulatedCrashError(operation)
  }

  #checkSyncFault(syscall: string): void {
    if (this.#failSync === null) return
    const { code } = this.#failSync
    this.#failSync = null
    throw fileSystemError(code, syscall, '')
  }

  #store(node: FileNode, bytes: Uint8Array, position: number): void {
    const end = position + bytes.length
    if (end > node.data.length) {
      const grown = Buffer.alloc(Math.max(end, node.data.length * 2, 64))
      node.data.copy(grown, 0, 0, node.length)
      node.data = grown
    }
    if (position > node.length) node.data.fill(0, node.length, position)
    node.data.set(bytes, position)
    if (end > node.length) node.length = end
  }

  #descriptor(fd: number, syscall: string): Descriptor {
    const descriptor = this.#descriptors.get(fd)
    if (descriptor === undefined) throw fileSystemError('EBADF', syscall, String(fd))
    return descriptor
  }

  #walk(parts: readonly string[]): Node | undefined {
    let node: Node = this.#root
    for (const part of parts) {
      if (node.kind !== 'directory') return undefined
      const next: Node | undefined = node.entries.get(part)
      if (next === undefined) return undefined
      node = next
    }
    return node
  }

  #lookup(path: string): Node | undefined {
    return this.#walk(splitPath(path))
  }

  #file(path: string, syscall: string): FileNode {
    const node = this.#lookup(path)
    if (node?.kind !== 'file') throw fileSystemError(node === undefined ? 'ENOENT' : 'EISDIR', syscall, path)
    return node
  }

  #parentOf(path: string, syscall: string): { parent: DirectoryNode; name: string } {
    const parts = splitPath(path)
    const name = parts.pop()
    const parent = this.#walk(parts)
    if (name === undefined || parent === undefined) throw fileSystemError('ENOENT', syscall, path)
    if (parent.kind !== 'directory') throw fileSystemError('ENOTDIR', syscall, path)
    return { parent, name }
  }

  #cloneWith(
    entriesOf: (node: DirectoryNode) => Map<string, Node>,
    contentOf: (node: FileNode) => Buffer,
  ): MemoryFileSystem {
    const clones = new Map<Node, Node>()
    const clone = (node: Node): Node => {
      const known = clones.get(node)
      if (known !== undefined) return known
      if (node.kind === 'file') {
        const content = Buffer.from(contentOf(node))
        const copy: FileNode = {
          kind: 'file',
          data: content,
          length: content.length,
          durable: Buffer.from(content),
        }
        clones.set(node, copy)
        return copy
      }
      const copy = newDirectory()
      clones.set(node, copy)
      for (const [name, child] of entriesOf(node)) copy.entries.set(name, clone(child))
      copy.durableEntries = new Map(copy.entries)
      return copy
    }
    const restarted = new MemoryFileSystem()
    restarted.#root = clone(this.#root) as DirectoryNode
    return restarted
  }
}
