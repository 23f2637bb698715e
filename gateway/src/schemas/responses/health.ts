/** Answers of the public probes: /healthz, /readyz and /openapi.json. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export const Health = z.strictObject({ status: z.literal('ok') }).openapi('Health');
export const Readiness = z.strictObject({ status: z.literal('ready') }).openapi('Readiness');

/** This document itself: checked here only for its frame (the document is its own schema). */
export const OpenApiDocument = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .openapi('OpenApiDocument');
