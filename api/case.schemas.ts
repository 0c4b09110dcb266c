import { z } from 'zod';
import { CHANNELS, PRIORITIES } from '../domain/case';
import { CASE_NUMBER_PATTERN } from '../app/names';

export const openCaseBody = z
  .object({
    title: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters'),
    description: z.string().trim().max(10_000, 'must be at most 10000 characters').default(''),
    customer: z.object({
      type: z.enum(['contact', 'account']),
      id: z.uuid('must be a UUID'),
    }),
    channel: z.enum(CHANNELS),
    priority: z.enum(PRIORITIES).default('normal'),
    productId: z.uuid('must be a UUID').nullable().default(null),
    subject: z.string().trim().max(200).nullable().default(null),
  })
  .strict();

export const caseNumberParams = z.object({
  caseNumber: z.string().regex(CASE_NUMBER_PATTERN, 'must look like CAS-01000'),
});

/** Idempotency-Key: letters, digits and -_.: up to 200 characters (UUIDs fit). */
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,200}$/, 'must be 8–200 characters of letters, digits, ".", "_", ":" or "-"');
