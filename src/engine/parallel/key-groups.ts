import { fmix32 } from '../hash/murmur3.ts'

/**
 * Flink's key-group scheme, so state splits across worker threads the way Flink splits it across subtasks:
 * a key hashes into one of `maxParallelism` key groups, and each subtask owns a contiguous range of groups.
 * Rescaling moves whole key groups, never single keys.
 */

export const DEFAULT_MAX_PARALLELISM = 128

/** Flink's `MathUtils.murmurHash(int)`: one murmur3 round plus finaliser, made non-negative. */
function flinkMurmurHash(code: number): number {
  let h = Math.imul(code, 0xcc9e2d51)
  h = (h << 15) | (h >>> 17)
  h = Math.imul(h, 0x1b873593)
  h = (h << 13) | (h >>> 19)
  h = (Math.imul(h, 5) + 0xe6546b64) | 0
  h = fmix32(h ^ 4)
  if (h >= 0) return h
  return h === -2147483648 ? 0 : -h
}

/** The key group of a key with 32-bit hash `keyHash` (Flink's `computeKeyGroupForKeyHash`). */
export function keyGroup(keyHash: number, maxParallelism = DEFAULT_MAX_PARALLELISM): number {
  return flinkMurmurHash(keyHash) % maxParallelism
}

/** The subtask that owns `group` (Flink's `computeOperatorIndexForKeyGroup`). */
export function subtaskFor(
  group: number,
  parallelism: number,
  maxParallelism = DEFAULT_MAX_PARALLELISM,
): number {
  return Math.floor((group * parallelism) / maxParallelism)
}

/** The key groups owned by `subtask`, inclusive bounds (Flink's `computeKeyGroupRangeForOperatorIndex`). */
export function keyGroupRange(
  subtask: number,
  parallelism: number,
  maxParallelism = DEFAULT_MAX_PARALLELISM,
): { readonly first: number; readonly last: number } {
  return {
    first: Math.floor((subtask * maxParallelism + parallelism - 1) / parallelism),
    last: Math.floor(((subtask + 1) * maxParallelism - 1) / parallelism),
  }
}
