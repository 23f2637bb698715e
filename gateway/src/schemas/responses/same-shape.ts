/**
 * Compile-time proof that a response schema says what a domain type says: the zod output and
 * the domain type must be assignable to each other with every optional member made required, so
 * neither can drift alone, not even by an optional field.
 */
type Required<T> = T extends ReadonlyArray<infer U>
  ? T extends unknown[]
    ? Array<Required<U>>
    : ReadonlyArray<Required<U>>
  : T extends object
    ? { [K in keyof T]-?: Required<T[K]> }
    : T;

/** `true` when A and B have the same members of the same types (optional or not), else `false`. */
export type SameShape<A, B> = [Required<A>] extends [Required<B>] ? ([Required<B>] extends [Required<A>] ? true : false) : false;

/**
 * `sameShape<z.output<typeof X>, Domain>(true)` compiles only while X and Domain have the same
 * shape ("true is not assignable to false" names the drifted pair). No effect at run time.
 */
export function sameShape<A, B>(_proof: SameShape<A, B>): void {
  // the proof is the argument's type check at compile time: nothing to run
}
