import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi';
import { portablePattern } from '../../api/openapi-patterns';
import { trimmedAtLeast } from '../../api/text.schemas';
import { routeKey, servedRoutes } from '../support/api-routes';

type Json = Record<string, unknown>;
type Operation = { summary: string; tags: string[]; parameters: Json[]; responses: Record<string, Json>; requestBody?: Json };

const root = resolve(__dirname, '../..');
const routes = servedRoutes();
const document = openApiDocument(routes, { version: '0.1.0' }) as Json & { paths: Record<string, Record<string, Operation>>; tags: Json[]; info: Json; servers: Json[] };
const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
const operation = (key: string): Operation => operations.find((o) => o.key === key)!.op;
const parameter = (key: string, name: string) => operation(key).parameters.find((p) => p.name === name) as Json & { schema: Json };

/** Runs `redocly lint` offline (no telemetry, no update check) on the generated document. */
function redoclyLint(): { status: number | null; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'caseflow-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  const result = spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'stylish'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the OpenAPI document', () => {
  it('passes redocly lint (recommended rules, 4xx answers and tags as errors) with no error', () => {
    const { status, output } = redoclyLint();
    expect(output).not.toMatch(/\berror\b.*\(/i);
    expect(status, output).toBe(0);
  });

  it('documents every served route, including sign-in, health and the docs', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(routes.map(routeKey).sort());
    for (const key of ['POST /auth/token', 'GET /auth/me', 'GET /health', 'GET /openapi.json', 'GET /docs']) expect(operations.map((o) => o.key)).toContain(key);
  });

  it('gives every operation its problem answers: 401/403 from its roles, 404 for a path id, 422 when it validates input, 429', () => {
    const missing = operations.filter(({ op }) => !Object.keys(op.responses).some((status) => status.startsWith('4'))).map((o) => o.key);
    expect(missing).toEqual([]);
    expect(Object.keys(operation('POST /cases/{caseNumber}/assign').responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409', '413', '415', '422', '429', '503']));
    expect(Object.keys(operation('GET /products').responses)).not.toContain('403');
    expect(Object.keys(operation('POST /auth/token').responses)).toEqual(expect.arrayContaining(['200', '400', '401', '422', '429']));
    expect(operation('POST /cases/{caseNumber}/resolve').responses['503']).toMatchObject({ $ref: '#/components/responses/Unavailable' });
  });

  it('declares servers, an MIT licence and every tag with a description', () => {
    expect(document.servers).toContainEqual(expect.objectContaining({ url: '/' }));
    expect(document.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    const used = new Set(operations.flatMap(({ op }) => op.tags));
    const declared = document.tags as { name: string; description?: string }[];
    expect(declared.map((t) => t.name).sort()).toEqual([...used].sort());
    expect(declared.filter((t) => !t.description)).toEqual([]);
  });

  it('states the rules the server enforces: key pattern, non-blank q, comma lists, UUID path ids', () => {
    const key = parameter('POST /cases', 'Idempotency-Key');
    expect(key.schema.pattern).toBe('^[A-Za-z0-9._:-]{8,200}$');
    const q = parameter('GET /cases', 'q').schema;
    expect(new RegExp(String(q.pattern)).test('   ')).toBe(false);
    expect(new RegExp(String(q.pattern)).test(' printer ')).toBe(true);
    expect(parameter('GET /knowledge/articles', 'q').schema.pattern).toBe(q.pattern);
    expect(parameter('GET /cases', 'status')).toMatchObject({ style: 'form', explode: false, schema: { type: 'array', minItems: 1 } });
    expect(parameter('GET /queues/{id}/items', 'id').schema).toMatchObject({ format: 'uuid' });
    // \d as JavaScript reads it: a client in Python must not take it for any Unicode digit.
    expect(parameter('GET /cases/{caseNumber}', 'caseNumber').schema.pattern).toBe('^CAS-[0-9]{5,}$');
  });

  it('has text patterns that accept exactly what the server accepts after trimming, and no NUL', () => {
    const spaces = [' ', '\t', '\n', '\u00a0', '\u2003', '\ufeff', '\u3000'];
    const text = fc.array(fc.oneof(fc.constantFrom(...spaces, '\u0000', 'a', 'é'), fc.string({ maxLength: 2 })), { maxLength: 8 }).map((parts) => parts.join(''));
    for (const min of [1, 2, 3]) {
      const pattern = trimmedAtLeast(min);
      fc.assert(fc.property(text, (value) => pattern.test(value) === (value.trim().length >= min && !value.includes('\u0000'))));
    }
  });

  it('rewrites \\d and \\w as the ASCII classes JavaScript means, inside and outside brackets', () => {
    expect(portablePattern('^CAS-\\d{5,}$')).toBe('^CAS-[0-9]{5,}$');
    expect(portablePattern('^[\\w.-]+\\d$')).toBe('^[A-Za-z0-9_.-]+[0-9]$');
    expect(portablePattern('^a\\.b\\\\d$')).toBe('^a\\.b\\\\d$');
  });
});
