import { join } from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { openDatabase } from '../db/connection';
import { createKnowledgeRepository } from '../db/repositories/knowledge.repository';
import { createKnowledgeService } from '../services/knowledge.service';
import { benchCustomerTokens } from './api-client';
import { BENCH_QUERIES, seedArticles } from './knowledge-seed';
import { runCalls, runHttp, type Measurement } from './measure';
import { loadNow, logOf, stopChild, track, type ProcessBenchContext } from './process-bench';
import { say, ticker } from './progress';
import { prepareRecords } from './records';
import { createPostgresDatabase, registerNamespace, startServerProcess } from './servers';

/**
 * Benchmark 7: knowledge search. `articles` published articles seeded by SQL; then
 * `GET /knowledge/articles?q=…` (a server process, customers signed in) against the very SQL that
 * search issues, captured from knex's query event while the knowledge service ran each query
 * in-process, and replayed as captured (native `$n` parameters) through pg, knex's own driver, with
 * knex's default pool size: what the API, auth, the query builder and JSON add.
 */

export interface KnowledgeSettings {
  readonly articles: number;
  readonly durationMs: number;
  readonly maxCount: number;
  readonly concurrencies: readonly number[];
}

export interface KnowledgeComparison {
  readonly concurrency: number;
  readonly app: Measurement;
  readonly bareSql: Measurement;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  readonly loadAverage: number;
}

export interface KnowledgeReport {
  readonly settings: KnowledgeSettings;
  readonly articles: number;
  readonly queries: readonly { readonly q: string; readonly statements: number; readonly total: number }[];
  readonly comparisons: KnowledgeComparison[];
  readonly notes: string[];
}

/** Customers the load takes turns with: the API allows each signed-in user 20 requests/s. */
const CUSTOMERS = 32;

interface Statement {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

export async function knowledgeSearch(context: ProcessBenchContext, settings: KnowledgeSettings): Promise<KnowledgeReport> {
  const notes: string[] = [];
  say(`knowledge: a PostgreSQL database with ${settings.articles} articles`);
  const database = await createPostgresDatabase(context.adminUrl);
  context.cleanups.push({ what: 'the knowledge benchmark database', run: () => database.drop() });
  const target = { kind: 'postgres' as const, url: database.url };
  const contacts = await prepareRecords(target, CUSTOMERS);
  const db = openDatabase(target);
  context.cleanups.push({ what: 'the knowledge benchmark connection', run: () => db.destroy() });
  const articles = await seedArticles(db, settings.articles);
  await db.raw('analyze knowledge_articles');

  const captured = await captureSearches(db);
  // knex's default PostgreSQL pool: at most 10 connections.
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  context.cleanups.push({ what: 'the knowledge benchmark pool', run: () => pool.end() });
  const replay = async (statements: readonly Statement[]): Promise<void> => {
    // In order, one after another, as the service issues them.
    for (const statement of statements) await pool.query(statement.sql, statement.bindings as unknown[]);
  };
  const namespace = 'bench-knowledge';
  await registerNamespace(context.temporal.connection, namespace);
  const server = await startServerProcess('knowledge server', { temporalAddress: context.temporal.server.address, namespace, databaseUrl: database.url, dataDir: join(context.workDir, 'knowledge') }, logOf(context, 'knowledge-server'));
  track(context, server.child);
  const tokens = await benchCustomerTokens(server.baseUrl, contacts.gold, 'knowledge-customer');

  // Warm-up: every query once each way.
  for (const [index, q] of BENCH_QUERIES.entries()) {
    const response = await fetch(`${server.baseUrl}/knowledge/articles?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${tokens[index % tokens.length]!}` } });
    if (response.status !== 200) throw new Error(`GET /knowledge/articles?q=${q}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    await replay(captured[index]!.statements);
  }

  const comparisons: KnowledgeComparison[] = [];
  for (const concurrency of settings.concurrencies) {
    if (Date.now() + 2 * settings.durationMs > context.deadline) {
      notes.push(`c=${concurrency} not run: the --max-minutes budget was spent`);
      continue;
    }
    let bareTurn = 0;
    const bareSql = await runCalls(
      { concurrency, durationMs: settings.durationMs, maxCount: settings.maxCount, onProgress: ticker(`knowledge: bare SQL c=${concurrency}`, settings.durationMs) },
      () => replay(captured[bareTurn++ % captured.length]!.statements),
    );
    let appTurn = 0;
    const app = await runHttp(
      { concurrency, durationMs: settings.durationMs, maxCount: settings.maxCount, onProgress: ticker(`knowledge: GET /knowledge/articles c=${concurrency}`, settings.durationMs) },
      {
        url: server.baseUrl,
        method: 'GET',
        expectStatus: 200,
        next: () => {
          const turn = appTurn++;
          return { path: `/knowledge/articles?q=${encodeURIComponent(BENCH_QUERIES[turn % BENCH_QUERIES.length]!)}`, token: tokens[turn % tokens.length]! };
        },
      },
    );
    const comparison = {
      concurrency,
      app,
      bareSql,
      p50Ratio: app.latencyMs.p50 / bareSql.latencyMs.p50,
      p99Ratio: app.latencyMs.p99 / bareSql.latencyMs.p99,
      loadAverage: loadNow(),
    };
    comparisons.push(comparison);
    say(`knowledge: c=${concurrency}: API p50/p99 ${app.latencyMs.p50.toFixed(1)}/${app.latencyMs.p99.toFixed(1)} ms (${app.perSecond.toFixed(0)}/s), bare SQL ${bareSql.latencyMs.p50.toFixed(1)}/${bareSql.latencyMs.p99.toFixed(1)} ms (${bareSql.perSecond.toFixed(0)}/s); load ${comparison.loadAverage}`);
  }
  await stopChild(context, server.child);
  return {
    settings,
    articles,
    queries: captured.map((c, index) => ({ q: BENCH_QUERIES[index]!, statements: c.statements.length, total: c.total })),
    comparisons,
    notes,
  };
}

/** Runs each bench query through the knowledge service as GET /knowledge/articles does (a customer: published only), capturing its SQL. */
async function captureSearches(db: Knex): Promise<{ statements: Statement[]; total: number }[]> {
  const service = createKnowledgeService({ knowledge: createKnowledgeRepository(db) });
  let statements: Statement[] = [];
  const listener = (query: { sql: string; bindings?: readonly unknown[] }): void => {
    statements.push({ sql: query.sql, bindings: query.bindings ?? [] });
  };
  db.on('query', listener);
  const captured: { statements: Statement[]; total: number }[] = [];
  try {
    for (const q of BENCH_QUERIES) {
      statements = [];
      const result = await service.search(null, { text: q });
      captured.push({ statements, total: result.total });
    }
  } finally {
    db.off('query', listener);
  }
  return captured;
}
