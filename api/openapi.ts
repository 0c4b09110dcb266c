import { z } from 'zod';
import { ROLES } from '../domain/actor';
import { portableSchema } from './openapi-patterns';
import { ERROR_RESPONSES, errorResponses, problemSchema } from './openapi-errors';
import type { RouteDeclaration } from './route';

type JsonSchema = Record<string, unknown>;

/** Every tag an operation may carry, in the document's order; a route with another tag fails the contract test. */
export const TAGS: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'Auth', description: 'Sign in for a bearer token (POST /auth/token), and see who a token stands for.' },
  { name: 'Cases', description: 'Open cases, list and search them, and read one case: its record, live state and activities.' },
  { name: 'Case actions', description: 'What agents and customers do to a case. Each is an Update its workflow validates: a refusal says why (409, or 422 naming the field).' },
  { name: 'Customers', description: 'Contacts and accounts, with the counts of their cases the caller may see.' },
  { name: 'Products', description: 'The product catalogue a case may relate to.' },
  { name: 'Entitlements', description: 'Contracted services: allocation, remaining terms, channels, and what resolved cases consumed.' },
  { name: 'Queues', description: 'Queues, their waiting cases and their members.' },
  { name: 'Service levels', description: "SLA policies with their KPI targets, and a case's KPI clocks." },
  { name: 'Routing', description: 'Routing rules that choose the queue of a new case (supervisors and administrators).' },
  { name: 'Goals', description: 'Goals with their progress.' },
  { name: 'Knowledge', description: 'Search and read knowledge articles.' },
  { name: 'Users', description: 'User accounts and their roles (administrators).' },
  { name: 'Surveys', description: 'The satisfaction survey of a resolved case, answered through the link in the survey email (its token is the credential).' },
  { name: 'Operations', description: "For operators: a case's workflow history as milestones, cases needing attention, and the replay check." },
  { name: 'Health', description: 'Whether Temporal and the records database answer.' },
  { name: 'Docs', description: 'This document, and Swagger UI to read and try it.' },
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return portableSchema(rest, io);
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { description, ...rest } = jsonSchema(field, 'input');
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      schema: rest,
      // A list in the query is one comma-separated value: ?status=active,on_hold.
      ...(rest.type === 'array' ? { style: 'form', explode: false } : {}),
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function rolesText(route: RouteDeclaration): string {
  if (route.roles === 'public') return 'No sign-in needed.';
  if (route.roles === 'signed-in') return 'Any signed-in user; rows are limited to what the caller may see.';
  return `Roles: ${route.roles.join(', ')}.`;
}

function operationId(route: RouteDeclaration): string {
  return `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
}

/** The answers with a body of their own: every 2xx/3xx, and an error status declared with a schema (not problem+json). */
function bodyResponses(route: RouteDeclaration): [string, JsonSchema][] {
  return Object.entries(route.responses)
    .filter(([status, response]) => Number(status) < 400 || response.schema !== undefined)
    .map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.headers
          ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
          : {}),
        ...(response.schema || response.mediaType
          ? { content: { [response.mediaType ?? 'application/json']: { schema: response.schema ? jsonSchema(response.schema, 'output') : { type: 'string' } } } }
          : {}),
      },
    ]);
}

function operation(route: RouteDeclaration): JsonSchema {
  return {
    summary: route.summary,
    description: rolesText(route),
    tags: [route.tag],
    operationId: operationId(route),
    'x-roles': route.roles === 'public' || route.roles === 'signed-in' ? route.roles : [...route.roles],
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.headers ?? []).map((h) => ({
        name: h.name,
        in: 'header',
        required: h.required ?? false,
        description: h.description,
        schema: h.schema ? jsonSchema(h.schema, 'input') : { type: 'string' },
      })),
    ],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses: Object.fromEntries([
      ...bodyResponses(route),
      ...Object.entries(errorResponses(route, ROLES)),
      ['default', { $ref: '#/components/responses/Internal' }],
    ]),
    ...(route.roles === 'public' ? { security: [] } : {}),
  };
}

/**
 * The OpenAPI 3.1 document, generated from the same declarations and zod schemas that register,
 * validate and role-check the routes. Routes registered by hand (sign-in, health, the docs) come
 * with declarations of their own (api/docs.routes.ts handRegisteredRoutes).
 */
export function openApiDocument(routes: readonly RouteDeclaration[], info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  const used = new Set(routes.map((route) => route.tag));
  const declared = TAGS.filter((tag) => used.has(tag.name));
  // An undeclared tag is still listed (without a description, which the contract test refuses).
  const undeclared = [...used].filter((name) => !TAGS.some((tag) => tag.name === name)).map((name) => ({ name }));
  // Only the problem answers some operation refers to (an unused component is noise to a reader).
  const referenced = JSON.stringify(paths);
  const responses = Object.fromEntries(Object.entries(ERROR_RESPONSES).filter(([name]) => referenced.includes(`"#/components/responses/${name}"`)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'caseflow API',
      version: info.version,
      description: [
        'Customer-service cases run as durable Temporal workflows.',
        '',
        'Errors are RFC 9457 problem details (application/problem+json); a 422 names each field by a JSON pointer.',
        'A row the caller may not see answers 404, the same as a row that does not exist. Ids in a body that must',
        'name an existing row (a queue, a product, a user, an article) are checked against the records: an unknown',
        'one is refused with 422 naming the field. The roles each operation needs are in its description and in `x-roles`.',
      ].join('\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [...(info.serverUrl ? [{ url: info.serverUrl, description: 'The configured public address' }] : []), { url: '/', description: 'The server that serves this document' }],
    security: [{ bearer: [] }],
    tags: [...declared, ...undeclared],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /auth/token with a username and password' } },
      schemas: { Problem: problemSchema },
      responses,
    },
    paths,
  };
}
