import { z } from 'zod';
import type { RouteDefinition } from './route';

type JsonSchema = Record<string, unknown>;

const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } } },
    context: {},
  },
  required: ['type', 'title', 'status'],
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    schema: jsonSchema(field, 'input'),
    ...(field.description ? { description: field.description } : {}),
  }));
}

function rolesText(route: RouteDefinition): string {
  if (route.roles === 'public') return 'No sign-in needed.';
  if (route.roles === 'signed-in') return 'Any signed-in user; rows are limited to what the caller may see.';
  return `Roles: ${route.roles.join(', ')}.`;
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate the requests. */
export function openApiDocument(routes: readonly RouteDefinition[], info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const operation: JsonSchema = {
      summary: route.summary,
      description: rolesText(route),
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } })),
      ],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses: Object.fromEntries([
        ...Object.entries(route.responses).map(([status, response]) => [
          status,
          { description: response.description, ...(response.schema ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } } : {}) },
        ]),
        ['default', { description: 'An error, as problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }],
      ]),
      ...(route.roles === 'public' ? { security: [] } : {}),
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'caseflow API', version: info.version, description: 'Customer-service cases run as durable Temporal workflows. Errors are RFC 9457 problem details.' },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /auth/token with a username and password' } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
