import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi';
import { apiDefinitions } from '../../app/openapi-document';

/**
 * The web desk's API types (web/desk/src/api/schema.d.ts) are generated from the route
 * declarations and committed; a route changed without regenerating them would let the desk call
 * an API that no longer exists.
 */
describe('the web desk API types', () => {
  it('match the routes the app declares (else: npm run web:api-types)', async () => {
    const document = openApiDocument(apiDefinitions(), { version: '0.1.0' });
    const generated = astToString(await openapiTS(JSON.parse(JSON.stringify(document)) as Parameters<typeof openapiTS>[0]));
    const committed = readFileSync('web/desk/src/api/schema.d.ts', 'utf8');
    const body = (text: string) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim();
    expect(body(committed), 'web/desk/src/api/schema.d.ts is out of date: run npm run web:api-types').toBe(body(generated));
  });
});
