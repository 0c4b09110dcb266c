import { z } from 'zod';
import { ROLES } from '../domain/actor';
import { SIGN_IN_OUTCOMES } from '../db/repositories/sign-in-audit.repository';
import { PASSWORD_MIN_LENGTH } from '../services/users.service';
import { limit, offset, page } from './paging.schemas';
import { trimmedText } from './text.schemas';

/** Requests and answers of the administrators' user routes (api/users.routes.ts). */

const uuid = () => z.uuid('must be a UUID');
const text = (max: number) => trimmedText(max);
const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
const queryBoolean = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

// ---- requests ------------------------------------------------------------------------------------

export const userIdParams = z.object({ userId: uuid() });

export const userListQuery = z
  .object({
    role: role.optional(),
    disabled: queryBoolean.optional().describe('true: only disabled users; false: only enabled ones'),
    q: text(200).optional().describe('Words in the username, display name or email (all must match, any letter case)'),
    limit: limit(100, 50),
    offset: offset(),
  })
  .strict();

export const signInListQuery = z
  .object({
    username: text(200).optional().describe('The username exactly as it was typed'),
    outcome: z.enum(SIGN_IN_OUTCOMES, { error: `must be one of ${SIGN_IN_OUTCOMES.join(', ')}` }).optional(),
    userId: uuid().optional(),
    limit: limit(200, 50),
    offset: offset(),
  })
  .strict();

export const createUserBody = z
  .object({
    username: text(200)
      .regex(/^\S+$/u, 'must not contain spaces')
      .describe('What the user signs in with; unique'),
    displayName: text(200),
    email: z.email('must be an email address').max(320, 'must be at most 320 characters').describe('Unique; stored in lower case'),
    role,
    password: z
      .string('must be a string')
      .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(1024, 'must be at most 1024 characters')
      .describe('The initial password; stored only as a scrypt hash'),
    contactId: uuid().optional().describe('Required for a customer (the contact they sign in as); not allowed for staff'),
  })
  .strict()
  // The rule in the document too (JSON Schema if/then/else), so clients and fuzzers know it.
  .meta({ if: { properties: { role: { const: 'customer' } }, required: ['role'] }, then: { required: ['contactId'] }, else: { not: { required: ['contactId'] } } });

export const updateUserBody = z
  .object({
    disabled: z.boolean('must be true or false').optional().describe('A disabled user is refused at once, with any token they hold'),
    role: z
      .enum(ROLES.filter((r) => r !== 'customer') as ['agent', 'supervisor', 'admin', 'operator'], { error: `must be one of ${ROLES.filter((r) => r !== 'customer').join(', ')} (a staff user never becomes a customer)` })
      .optional()
      .describe('Staff roles only change among themselves; a customer user stays a customer (409)'),
    displayName: text(200).optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one of disabled, role, displayName', path: ['disabled'] })
  .meta({ minProperties: 1 });

// ---- responses -----------------------------------------------------------------------------------


export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: role,
  disabled: z.boolean(),
  contactId: z.string().nullable().describe("A customer's contact; null for staff"),
  hasPassword: z.boolean().describe('Whether the user can sign in with a password'),
  createdAt: z.string(),
});
export const userPageSchema = page(userSchema);

export const signInSchema = z.object({
  id: z.string(),
  at: z.string(),
  username: z.string().describe('As typed; it may name no user'),
  userId: z.string().nullable().describe('The user of that name, when there is one'),
  remoteAddress: z.string(),
  outcome: z.enum(SIGN_IN_OUTCOMES),
});
export const signInPageSchema = page(signInSchema);
