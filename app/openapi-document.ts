import { writeFileSync } from 'node:fs';
import { caseRoutes } from '../api/case.routes';
import { knowledgeRoutes } from '../api/knowledge.routes';
import { openApiDocument } from '../api/openapi';
import { operationsRoutes } from '../api/operations.routes';
import { recordRoutes } from '../api/records.routes';
import type { RouteDefinition } from '../api/route';
import { surveyRoutes } from '../api/survey.routes';
import { userRoutes } from '../api/users.routes';

/**
 * Writes /openapi.json without a server, database or Temporal: the web desk's API types
 * (web/desk/src/api/schema.d.ts, `npm run web:api-types`) are generated from it. Route
 * declarations only use their dependencies inside handlers, none of which run here.
 * Keep the groups in step with app/wiring/http.wiring.ts.
 */
const unused = {} as never;

export function apiDefinitions(): RouteDefinition[] {
  return [...caseRoutes(unused), ...knowledgeRoutes(unused), ...operationsRoutes(unused), ...recordRoutes(unused), ...surveyRoutes(unused), ...userRoutes(unused)];
}

if (require.main === module) {
  const target = process.argv[2];
  const document = `${JSON.stringify(openApiDocument(apiDefinitions(), { version: '0.1.0' }), null, 2)}\n`;
  if (target) writeFileSync(target, document);
  else process.stdout.write(document);
}
