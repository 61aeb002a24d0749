/** topic → partition → V, without "topic:partition" string keys. */
export class TopicPartitionMap<V> {
  readonly #topics = new Map<string, Map<number, V>>()

  get(topic: string, partition: number): V | undefined {
    return this.#topics.get(topic)?.get(partition)
  }

  set(topic: string, partition: number, value: V): void {
    let partitions = this.#topics.get(topic)
    if (partitions === undefined) {
      partitions = new Map()
      this.#topics.set(topic, partitions)
    }
    partitions.set(partition, value)
  }

  has(topic: string, partition: number): boolean {
    return this.#topics.get(topic)?.has(partition) ?? false
  }

  delete(topic: string, partition: number): boolean {
    const partitions = this.#topics.get(topic)
    if (partitions === undefined) return false
    const deleted = partitions.delete(partition)
    if (partitions.size === 0) this.#topics.delete(topic)
    return deleted
  }

  deleteTopic(topic: string): void {
    this.#topics.delete(topic)
  }

  topic(topic: string): ReadonlyMap<number, V> | undefined {
    return this.#topics.get(topic)
  }

  topics(): IterableIterator<string> {
    return this.#topics.keys()
  }

  clear(): void {
    this.#topics.clear()
  }

  get size(): number {
    let size = 0
    for (const partitions of this.#topics.values()) size += partitions.size
    return size
  }

  *entries(): IterableIterator<[string, number, V]> {
    for (const [topic, partitions] of this.#topics) {
      for (const [partition, value] of partitions) yield [topic, partition, value]
    }
  }
}
