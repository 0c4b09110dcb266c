import { z } from 'zod';
import { ROLES } from '../domain/actor';
import type { RouteDeclaration } from './route';
import { trimmedText } from './text.schemas';

/**
 * The sign-in routes as the OpenAPI document and the authorization matrix see them. api/auth.ts
 * registers them by hand (they run before any caller is known); these declarations say what it
 * accepts and answers. The matrix calls each declared route (a declaration without a route fails
 * it) and npm run fuzz holds the request schema to the handler: keep them in step with api/auth.ts.
 */

const tokenRequest = z
  .object({
    username: trimmedText(200),
    password: z.string().min(1, 'must not be empty').max(1024).meta({ pattern: '^[^\\u0000]+$' }),
  })
  .describe('Extra fields are ignored');

const actorSchema = z.object({
  userId: z.string(),
  role: z.enum(ROLES),
  displayName: z.string(),
  queueIds: z.array(z.string()).describe('Queues the user is a member of (agents and supervisors)'),
  contactId: z.string().nullable().describe('For a customer: the contact they are'),
  accountId: z.string().nullable(),
});

const issuedToken = z.object({
  accessToken: z.string().describe('Send it as "Authorization: Bearer <accessToken>"'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until it expires'),
  user: z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES), displayName: z.string() }),
});

const noStore = { 'Cache-Control': 'no-store' };

export const authRouteDeclarations: readonly RouteDeclaration[] = [
  {
    method: 'post',
    path: '/auth/token',
    tag: 'Auth',
    summary: 'Sign in with a username and password for a bearer token',
    roles: 'public',
    body: tokenRequest,
    responses: { 200: { description: 'The token and who it stands for', schema: issuedToken, headers: noStore } },
    errors: {
      401: 'Unknown user, wrong password or a disabled account (the same answer for each)',
      429: 'Too many attempts: repeated failed sign-ins lock the username for a while (see Retry-After), and each client address is rate limited',
    },
  },
  {
    method: 'get',
    path: '/auth/me',
    tag: 'Auth',
    summary: 'Who the bearer token stands for: user id, role, queues, contact and account',
    roles: 'signed-in',
    responses: { 200: { description: 'The caller', schema: actorSchema, headers: noStore } },
  },
];
