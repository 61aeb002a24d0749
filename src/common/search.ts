/**
 * The last index in `[0, length)` where `holds(index)` is true, for a predicate that is true up
 * to some index and false after it (a sorted key ≤ a target, say); -1 when it holds nowhere.
 * Binary search: O(log length) calls of `holds`.
 */
export function lastIndexWhere(length: number, holds: (index: number) => boolean): number {
  let low = 0
  let high = length - 1
  let found = -1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if (holds(middle)) {
      found = middle
      low = middle + 1
    } else {
      high = middle - 1
    }
  }
  return found
}
