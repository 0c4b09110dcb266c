import type { Role } from '../domain/actor';
import type { UsersService } from '../services/users.service';
import { defineRoute, type RouteDefinition } from './route';
import { createUserBody, signInListQuery, signInPageSchema, updateUserBody, userIdParams, userListQuery, userPageSchema, userSchema } from './users.schemas';

const ADMINS: readonly Role[] = ['admin'];
const TAG = 'Users';
const notAdmin = 'The caller is not an administrator';
const invalid = 'The request is not valid (problem+json naming the field)';
const unknownUser = 'No user has this id';

/** Administrators manage users and read the sign-in record. */
export function userRoutes(users: UsersService): RouteDefinition[] {
  return [
    // Before /users/{userId}, so that the router never takes "sign-ins" for an id.
    defineRoute({
      method: 'get',
      path: '/users/sign-ins',
      tag: TAG,
      summary: 'Every sign-in attempt, newest first: who was named, from where, and the outcome (succeeded, wrong_credentials, locked, disabled)',
      roles: ADMINS,
      query: signInListQuery,
      responses: { 200: { description: 'A page of sign-in attempts', schema: signInPageSchema }, 403: { description: notAdmin }, 422: { description: invalid } },
      handler: async ({ actor, query }) => ({ status: 200, body: await users.signIns(actor!, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      tag: TAG,
      summary: 'Users by username, filtered by role, disabled, or words in the username, name or email',
      roles: ADMINS,
      query: userListQuery,
      responses: { 200: { description: 'A page of users', schema: userPageSchema }, 403: { description: notAdmin }, 422: { description: invalid } },
      handler: async ({ actor, query }) => ({ status: 200, body: await users.list(actor!, { role: query.role, disabled: query.disabled, text: query.q, limit: query.limit, offset: query.offset }) }),
    }),
    defineRoute({
      method: 'get',
      path: '/users/{userId}',
      tag: TAG,
      summary: 'One user',
      roles: ADMINS,
      params: userIdParams,
      responses: { 200: { description: 'The user', schema: userSchema }, 403: { description: notAdmin }, 404: { description: unknownUser }, 422: { description: invalid } },
      handler: async ({ actor, params }) => ({ status: 200, body: await users.get(actor!, params.userId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      tag: TAG,
      summary: 'Creates a staff user, or the customer user of a contact, with an initial password',
      roles: ADMINS,
      body: createUserBody,
      responses: {
        201: { description: 'The user, created', schema: userSchema },
        403: { description: notAdmin },
        409: { description: 'The username, the email or the contact is already another user\'s (context.field names it)' },
        422: { description: invalid },
      },
      handler: async ({ actor, body }) => {
        const created = await users.create(actor!, body);
        return { status: 201, body: created, headers: { location: `/users/${created.id}` } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/{userId}',
      tag: TAG,
      summary: 'Disables or re-enables a user, changes their role or display name; takes effect on their next request',
      roles: ADMINS,
      params: userIdParams,
      body: updateUserBody,
      responses: {
        200: { description: 'The user, changed', schema: userSchema },
        403: { description: notAdmin },
        404: { description: unknownUser },
        409: { description: 'A customer user given a staff role: a customer stays a customer (context.field is role)' },
        422: { description: `${invalid}; also an administrator disabling themself or giving up their own admin role` },
      },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await users.update(actor!, params.userId, body) }),
    }),
  ];
}
