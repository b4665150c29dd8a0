/**
 * @module result
 * Expected outcomes as values: a small `Result` type for failures a caller must handle (a malformed
 * file, a denied access, an infeasible plan), instead of exceptions.
 */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });
