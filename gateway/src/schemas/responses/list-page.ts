/** The answer shape of the paged listings (GET /v1/lots, /v1/facilities): a page of items and the next bookmark. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

type ListPageShape<K extends string, T extends z.ZodType> = Record<K, z.ZodArray<T>> & { bookmark: z.ZodString };

/** A page of `item`s under `key`, with the bookmark of the next page ("" on the last). */
export function listPage<K extends string, T extends z.ZodType>(key: K, item: T): z.ZodObject<ListPageShape<K, T>, z.core.$strict> {
  const shape = { [key]: z.array(item), bookmark: z.string().openapi({ description: 'pass back for the next page; "" on the last page' }) };
  return z.strictObject(shape as ListPageShape<K, T>);
}
