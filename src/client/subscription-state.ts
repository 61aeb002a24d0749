/** Pause state of one topic, as KafkaJS keeps it. */
interface TopicPauseState {
  pauseAll: boolean
  readonly paused: Set<number>
  readonly resumed: Set<number>
}

/**
 * Which partitions are assigned and which are paused (KafkaJS's SubscriptionState). Pause state
 * survives rebalances within one run; pausing a topic that is not assigned is remembered.
 */
export class SubscriptionState {
  #assigned = new Map<string, number[]>()
  readonly #states = new Map<string, TopicPauseState>()

  assign(assignment: ReadonlyMap<string, readonly number[]>): void {
    this.#assigned = new Map(
      [...assignment].map(([topic, partitions]) => [topic, [...partitions].sort((a, b) => a - b)]),
    )
  }

  assigned(): ReadonlyMap<string, readonly number[]> {
    return this.#assigned
  }

  pause(topicPartitions: readonly { topic: string; partitions?: readonly number[] | undefined }[]): void {
    for (const { topic, partitions } of topicPartitions) {
      const state = this.#state(topic)
      if (partitions === undefined) {
        state.paused.clear()
        state.resumed.clear()
        state.pauseAll = true
      } else {
        for (const partition of partitions) {
          state.paused.add(partition)
          state.resumed.delete(partition)
        }
        state.pauseAll = false
      }
    }
  }

  resume(topicPartitions: readonly { topic: string; partitions?: readonly number[] | undefined }[]): void {
    for (const { topic, partitions } of topicPartitions) {
      const state = this.#state(topic)
      if (partitions === undefined) {
        state.paused.clear()
        state.resumed.clear()
        state.pauseAll = false
      } else {
        for (const partition of partitions) {
          state.paused.delete(partition)
          if (state.pauseAll) state.resumed.add(partition)
        }
      }
    }
  }

  isPaused(topic: string, partition: number): boolean {
    const state = this.#states.get(topic)
    if (state === undefined) return false
    return (state.pauseAll && !state.resumed.has(partition)) || state.paused.has(partition)
  }

  /** Assigned partitions that are paused, partitions sorted, topics without any omitted. */
  paused(): { topic: string; partitions: number[] }[] {
    const result: { topic: string; partitions: number[] }[] = []
    for (const [topic, partitions] of this.#assigned) {
      const paused = partitions.filter((partition) => this.isPaused(topic, partition))
      if (paused.length > 0) result.push({ topic, partitions: paused })
    }
    return result
  }

  #state(topic: string): TopicPauseState {
    let state = this.#states.get(topic)
    if (state === undefined) {
      state = { pauseAll: false, paused: new Set(), resumed: new Set() }
      this.#states.set(topic, state)
    }
    return state
  }
}
