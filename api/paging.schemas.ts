import { z } from 'zod';

/** Paging shared by every list route: `limit` and `offset` in the query, a page in the answer. */

export const limit = (max: number, fallback: number) => {
  const message = `must be an integer from 1 to ${max}`;
  return z.coerce.number(message).int(message).min(1, message).max(max, message).default(fallback);
};

export const offset = () => {
  const message = 'must be an integer from 0 to 100000';
  return z.coerce.number(message).int(message).min(0, message).max(100_000, message).default(0);
};

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
