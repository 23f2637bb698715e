/**
 * A bounded cache of a pure function of a string (same input, same answer, so a cached answer is
 * what the function would return: determinism is kept). Provenance re-parses the same event times
 * and EPCs on every read; the issue #19 profile (bench/profiles/) showed those parses as a fifth of
 * the answer's assembly. Emptied when full: no eviction order to keep, memory bounded.
 */
export class PureMemo<T> {
  readonly #entries = new Map<string, T>();

  /** @param capacity - entries kept before the cache is emptied */
  constructor(private readonly capacity: number) {}

  /** `compute(key)`, from the cache when it was computed before (a throw is not cached). */
  get(key: string, compute: (key: string) => T): T {
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const value = compute(key);
    if (this.#entries.size >= this.capacity) this.#entries.clear();
    this.#entries.set(key, value);
    return value;
  }
}
