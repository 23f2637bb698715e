/** The shape the read routes share: parse one request part, call the service as the caller, answer JSON. */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { type Principal, principalOf } from '../../auth/authenticate';
import { parse } from '../validate';

/** A handler answering 200 with `call(caller, req[part] parsed by schema)`; a bad part is a ValidationError (400) before any auth check of the caller. */
export function jsonRoute<S extends z.ZodType>(
  schema: S,
  part: 'params' | 'query',
  call: (caller: Principal, input: z.output<S>) => Promise<unknown>,
): RequestHandler {
  return async (req, res) => {
    const input = parse(schema, req[part], part);
    res.json(await call(principalOf(res), input));
  };
}
