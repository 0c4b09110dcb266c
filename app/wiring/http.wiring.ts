import type { Tracer } from '@opentelemetry/api';
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import { createAuthenticator, createRateLimiter, registerAuthRoutes } from '../../api/auth';
import { registerCaseEvents } from '../../api/case-events.route';
import { registerCaseListEvents } from '../../api/case-list-events.route';
import { caseRoutes } from '../../api/case.routes';
import { knowledgeRoutes } from '../../api/knowledge.routes';
import { createMetrics, registerMetricsRoute, type AppMetrics } from '../../api/metrics.route';
import { operationsRoutes } from '../../api/operations.routes';
import { recordRoutes } from '../../api/records.routes';
import type { RouteDefinition } from '../../api/route';
import { registerSurveyPages, surveyRoutes } from '../../api/survey.routes';
import { createApiServer, type RouteRegistrar } from '../../api/server';
import { userRoutes } from '../../api/users.routes';
import { registerWebApp } from '../../api/web-app.route';
import { usesChannelAuthorization } from '../../bot/direct-line';
import { checkDatabase, type Database } from '../../db/connection';
import { createCaseProblemRepository } from '../../db/repositories/case-problem.repository';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { createOperationsMetricsRepository } from '../../db/repositories/operations-metrics.repository';
import { createDirectoryRepository } from '../../db/repositories/directory.repository';
import { createEntitlementRepository } from '../../db/repositories/entitlement.repository';
import { createGoalRepository } from '../../db/repositories/goal.repository';
import { createQueueRepository } from '../../db/repositories/queue.repository';
import { createRoutingRuleRepository } from '../../db/repositories/routing-rule.repository';
import { createSlaPolicyRepository } from '../../db/repositories/sla-policy.repository';
import { findSurveyByTokenHash } from '../../db/repositories/survey.repository';
import { createCaseListChanges } from '../../services/case-list-changes';
import { createSurveyAnswerService } from '../../services/survey-answer.service';
import { createRecordsService, type RecordsService } from '../../services/records.service';
import type { AppServices } from './services.wiring';

/** Where Bot Framework channels deliver activities (bot/http/messages.route.ts). */
const BOT_MESSAGES_PATH = '/api/messages';

export interface HttpAppDependencies {
  readonly logger: Logger;
  readonly services: AppServices;
  readonly databaseDescription: string;
  readonly temporal: { readonly connection: Connection; readonly address: string };
  /** Channel routes outside the OpenAPI document (the bot endpoint, Direct Line, web pages). */
  readonly channelRoutes?: readonly RouteRegistrar[];
  /** The process's metrics, when other parts (the bot) record into them too; else made here. */
  readonly metrics?: AppMetrics;
  /** When tracing is on (app/telemetry/tracing.ts): a span per request. */
  readonly tracer?: Tracer;
}

/** The process's Prometheus registry over the read model of `db` (GET /metrics). */
export function createAppMetrics(db: Database): AppMetrics {
  return createMetrics({ problems: createCaseProblemRepository(db), readModel: createOperationsMetricsRepository(db) });
}

/** The HTTP server of every process that serves one (all-in-one and server), wired once. */
export function createHttpApp(deps: HttpAppDependencies): Server {
  const { services } = deps;
  const metrics = deps.metrics ?? createAppMetrics(services.db);
  const surveys = surveyAnswersFor(services);
  const listChanges = createCaseListChanges({ recentlyChanged: (seconds) => services.caseRecords.recentlyChanged(seconds), logger: deps.logger });
  return createApiServer({
    logger: deps.logger,
    version: '0.1.0',
    ...(deps.tracer ? { tracer: deps.tracer } : {}),
    health: { pingDatabase: () => checkDatabase(services.db), temporal: deps.temporal.connection, describe: { database: deps.databaseDescription, temporal: deps.temporal.address } },
    // Direct Line, its connector and /api/messages carry the channel's own tokens, checked there.
    authenticate: createAuthenticator(services.auth, { channelAuthorized: (path) => usesChannelAuthorization(path) }),
    // People: 20 requests/s (burst 50) per user or address. The Bot Framework channels post every
    // user's turns from a few addresses: /api/messages gets 200/s (burst 400) per address.
    rateLimit: createRateLimiter({ channels: { matches: (path) => path === BOT_MESSAGES_PATH, burst: 400, rate: 200 } }),
    definitions: apiRouteDefinitions(services),
    routes: [(server) => registerAuthRoutes(server, services.auth), (server) => registerMetricsRoute(server, metrics), (server) => registerSurveyPages(server, surveys), (server) => registerWebApp(server), (server) => registerCaseListEvents(server, listChanges), (server) => registerCaseEvents(server, services.caseWork), ...(deps.channelRoutes ?? [])],
  });
}

/**
 * Every declared route the HTTP app registers (and documents in /openapi.json). The authorization
 * matrix and the contract test build the same list, so a route added here is covered by both.
 */
export function apiRouteDefinitions(services: AppServices): RouteDefinition[] {
  return [
    ...caseRoutes({ cases: services.cases, caseRecords: services.caseRecords, caseActivities: services.caseActivities, caseWork: services.caseWork, history: services.history }),
    ...knowledgeRoutes(services.knowledge),
    ...operationsRoutes({ problems: createCaseProblemRepository(services.db), replayCheck: services.replayCheck, caseWork: services.caseWork }),
    ...recordRoutes({ records: createRecordsServiceFor(services.db) }),
    ...userRoutes(services.userAdmin),
    ...surveyRoutes(surveyAnswersFor(services)),
  ];
}

/** Survey answers through the survey link (its token is the credential), over the case-work service. */
function surveyAnswersFor(services: AppServices) {
  return createSurveyAnswerService({ findByTokenHash: (hash) => findSurveyByTokenHash(services.db, hash), caseWork: services.caseWork });
}

/** Builds the records service and its repositories over one database. */
export function createRecordsServiceFor(db: Database): RecordsService {
  return createRecordsService({
    directory: createDirectoryRepository(db),
    entitlements: createEntitlementRepository(db),
    queues: createQueueRepository(db),
    slaPolicies: createSlaPolicyRepository(db),
    routingRules: createRoutingRuleRepository(db),
    goals: createGoalRepository(db),
    cases: createCaseRepository(db),
  });
}

