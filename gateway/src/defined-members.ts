/** Copying optional members into types built with exactOptionalPropertyTypes, where a member may be absent but not undefined. */

/** The members `keys` of `o` that are set (not undefined); the unset ones are left out. */
export function definedMembers<T extends object, K extends keyof T>(o: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) {
    const value = o[key];
    if (value !== undefined) out[key] = value as Exclude<T[K], undefined>;
  }
  return out;
}
