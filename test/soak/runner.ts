import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../app/process/network';
import { openDatabase, type Database } from '../../db/connection';
import { createReconciliationRepository } from '../../db/repositories/reconciliation.repository';
import { DEMO } from '../../db/seeds/demo';
import { reconcile, temporalCaseWorkflows, type ReconciliationReport } from '../../services/reconciliation';
import { detailOf, SoakClient, Traffic, type Answer, type Violation } from './http';
import { channelPoison } from './channel-poison';
import { check, range, type SoakCheck, type SoakContext, type SoakUser } from './context';
import { pgTerminations } from './pg-terminations';
import { Child, DevServer, openLog, sleep, waitFor, Workers } from './processes';
import { slaTimersWithoutWorker } from './sla-timers';
import { latencyStats, type LatencyStats } from './report';

/**
 * The soak: the app as it runs in production — a Temporal dev server (file database), the HTTP
 * server and the worker as separate processes on a fresh PostgreSQL database — driven through the
 * REST API while faults are injected:
 *
 *  a. `cases` concurrent case lifecycles (open → accept → steps → advance → resolve) while a loop
 *     SIGKILLs and restarts the worker every few seconds; first the same without kills (baseline);
 *  b. concurrent duplicates of a create (one Idempotency-Key) and of a resolve (one key; then
 *     distinct keys: one 200, the rest 409);
 *  c. poison input on case routes (NUL, lone surrogates, unknown product/queue/user/article ids): 422;
 *  d. optionally the Temporal dev server stopped (SIGTERM, then SIGKILL) and started again: 503
 *     with Retry-After meanwhile; the requests retried with their keys succeed once; timers fire.
 *  e. poison input through the chat (Direct Line) and email (SMTP): refused clearly or a case with
 *     storable text, nothing wedged (channel-poison.ts);
 *  f. lifecycles while PostgreSQL connections of the server and worker are terminated every few
 *     seconds: both processes survive, every lifecycle completes (pg-terminations.ts);
 *  g. SLA warnings and failures falling due while no worker runs: each fires once when one starts
 *     again, and how late (sla-timers.ts).
 *
 * Then every case is checked in the database (one resolution activity, one entitlement usage, one
 * survey; the entitlement decremented once per case) and the reconciliation must be clean.
 */

export interface SoakOptions {
  readonly cases: number;
  /** Lifecycles run first without any fault, for the latency baseline (0: none). */
  readonly baselineCases: number;
  /** The worker is SIGKILLed and restarted after a random pause in this range, ms. */
  readonly killEveryMs: readonly [number, number];
  /** Lifecycle i starts i × rampSeconds / cases after the phase begins (0: all at once), so that faults land among them. */
  readonly rampSeconds?: number;
  /** Stop killing after this many kills (the lifecycles then finish undisturbed); unset: kill until they are done. */
  readonly maxKills?: number;
  /** Demo-like agents and customers the lifecycles are spread over (the API rate-limits per user). */
  readonly agents: number;
  readonly customers: number;
  /** Concurrent copies of the duplicated create and resolve. */
  readonly duplicates: number;
  readonly devServerRestart: boolean;
  /** Survey answer window (and reopen window 0), so resolved cases close and their workflows complete: null keeps the defaults (7 days). */
  readonly closeAfterMinutes: number | null;
  /** CASE_ANSWER_TIMEOUT_SECONDS of the server. */
  readonly answerTimeoutSeconds: number;
  /** The whole run, set-up to clean-up, must end within this. */
  readonly maxMinutes: number;
  /** The compiled app (dist/ after npm run build): app/server.js, app/worker.js, workflow-bundle.js. */
  readonly distDir: string;
  /** Logs and the Temporal database go here; the app's DATA_DIR too (outbox mail). */
  readonly workDir: string;
  /** PostgreSQL where a fresh database is created, and dropped at the end. */
  readonly adminUrl: string;
  readonly keepDatabase?: boolean;
  /** Phase 2: cases whose first-response warning (1 min) and failure (2 min) fall due while no worker runs (0: skip). */
  readonly slaCases?: number;
  /** Phase 4: lifecycles while PostgreSQL connections are terminated (0: skip). */
  readonly pgTerminateCases?: number;
  /** Pause between terminations, ms, and how many rounds at most. */
  readonly pgTerminateEveryMs?: readonly [number, number];
  readonly pgTerminateRounds?: number;
  /** Phase 6: poison input through the chat (Direct Line) and email (SMTP). */
  readonly channelPoison?: boolean;
  readonly progress?: (line: string) => void;
}

export type { SoakCheck } from './context';

export interface PhaseSummary {
  readonly name: string;
  readonly durationMs: number;
  /** Worker SIGKILLs while the phase ran. */
  readonly workerKills: number;
  readonly lifecycles: { readonly total: number; readonly completed: number; readonly failed: number } | null;
  readonly statuses: Record<string, number>;
  readonly requestLatency: LatencyStats;
  readonly lifecycleLatency: LatencyStats | null;
  readonly failures: readonly string[];
  /** What the phase measured beyond the counts (the SLA timers' lateness, connections terminated). */
  readonly notes?: string;
}

export interface SoakResult {
  readonly ok: boolean;
  readonly error: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly options: Omit<SoakOptions, 'progress'>;
  readonly phases: readonly PhaseSummary[];
  readonly faults: {
    readonly workerKills: number;
    readonly workerStarts: number;
    readonly workerUnexpectedExits: readonly { readonly phase: string; readonly code: number | null; readonly signal: string | null }[];
    /** downMs: stop to answering again; stoppedMs: how long the stop took; probesMs: how soon each probe was answered while down. */
    readonly devServerStops: readonly { readonly signal: string; readonly downMs: number; readonly stoppedMs: number; readonly probesMs: Record<string, number> }[];
  };
  readonly latency: {
    readonly withoutKills: { readonly requests: LatencyStats; readonly lifecycles: LatencyStats };
    readonly withKills: { readonly requests: LatencyStats; readonly lifecycles: LatencyStats };
    /** What the kills cost: with minus without, ms. */
    readonly extra: { readonly requestP50: number; readonly requestP95: number; readonly lifecycleP50: number; readonly lifecycleP95: number };
  };
  readonly totals: Record<string, number>;
  readonly casesOpened: number;
  readonly checks: readonly SoakCheck[];
  readonly violations: readonly Violation[];
  readonly reconciliation: Pick<ReconciliationReport, 'ok' | 'checks' | 'mismatches'> | null;
  readonly logs: string;
}

type User = SoakUser;

const GOLD_ALLOWANCE = 1_000_000;
export const SOAK_APPLICATION_NAME = 'caseflow-soak';

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  return new Soak(options).run();
}

class Soak {
  private readonly started = Date.now();
  private readonly deadline: number;
  private readonly runId = `soak${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  private readonly traffic = new Traffic();
  private readonly lifecycleMs: Record<string, number[]> = {};
  private readonly phases: PhaseSummary[] = [];
  private readonly checks: SoakCheck[] = [];
  private readonly caseNumbers = new Set<string>();
  private readonly devServerStops: SoakResult['faults']['devServerStops'][number][] = [];
  private readonly cleanups: { name: string; run: () => Promise<void> }[] = [];
  /** Notes for a phase not yet in the table (added while it runs). */
  private readonly pendingNotes = new Map<string, string>();
  private readonly progressState = { phase: 'setup', total: 0, done: 0, failed: 0 };
  private readonly logDir: string;
  private client!: SoakClient;
  private db!: Database;
  private devServer!: DevServer;
  private workers!: Workers;
  private temporal!: Client;
  private agents: User[] = [];
  private customers: User[] = [];
  private alice!: User;
  private gina!: User;
  private sue!: User;
  private productId = '';
  private articleId = '';
  private reconciliation: ReconciliationReport | null = null;
  private server!: Child;
  private databaseName = '';
  private smtpPort = 0;

  constructor(private readonly options: SoakOptions) {
    this.deadline = this.started + options.maxMinutes * 60_000;
    this.logDir = join(options.workDir, 'logs');
  }

  private say(line: string): void {
    const seconds = Math.round((Date.now() - this.started) / 1000);
    this.options.progress?.(`[soak ${String(seconds).padStart(4)} s] ${line}`);
  }

  async run(): Promise<SoakResult> {
    let error: string | null = null;
    const ticker = setInterval(() => this.tick(), 5_000);
    try {
      await this.setUp();
      if (this.options.baselineCases > 0) await this.lifecyclePhase('baseline', this.options.baselineCases);
      await this.withKills(async () => {
        await this.lifecyclePhase('kills', this.options.cases);
        await this.phase('duplicates', () => this.duplicates());
        await this.phase('poison', () => this.poison());
      });
      const o = this.options;
      if (o.channelPoison) await this.phase('chat/email poison', () => channelPoison(this.context(), 'chat/email poison'));
      if ((o.pgTerminateCases ?? 0) > 0) {
        await pgTerminations(this.context(), { name: 'pg-terminate', cases: o.pgTerminateCases!, everyMs: o.pgTerminateEveryMs ?? [2_000, 5_000], rounds: o.pgTerminateRounds ?? 10 });
      }
      if ((o.slaCases ?? 0) > 0) await this.phase('sla-no-worker', () => slaTimersWithoutWorker(this.context(), 'sla-no-worker', o.slaCases!));
      if (this.options.devServerRestart) await this.phase('dev-server', () => this.devServerOutage());
      await this.phase('settle', () => this.settle());
      await this.finalChecks();
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
      this.say(`FAILED: ${error}`);
    } finally {
      clearInterval(ticker);
      for (const { name, run } of this.cleanups.splice(0).reverse()) {
        try {
          await run();
        } catch (caught) {
          this.say(`clean-up of ${name} failed: ${(caught as Error).message}`);
        }
      }
    }
    return this.result(error);
  }

  private tick(): void {
    const s = this.progressState;
    const t = this.traffic.totals();
    const lifecycles = s.total > 0 ? `${s.done}/${s.total} lifecycles done, ${s.failed} failed | ` : '';
    this.say(`${s.phase}: ${lifecycles}worker kills ${this.workers?.kills ?? 0} | responses 2xx ${t['2xx']} 409 ${t['409']} 422 ${t['422']} 503 ${t['503']} other ${t.other}`);
  }

  private remainingMs(): number {
    return this.deadline - Date.now();
  }

  // --- set-up -------------------------------------------------------------------------------

  private async setUp(): Promise<void> {
    const o = this.options;
    mkdirSync(this.logDir, { recursive: true });
    const logs: WriteStream[] = [];
    const log = (name: string): WriteStream => {
      const stream = openLog(join(this.logDir, `${name}.log`));
      logs.push(stream);
      return stream;
    };
    this.cleanups.push({ name: 'logs', run: async () => void (await Promise.all(logs.map((s) => new Promise((resolve) => s.end(resolve))))) });

    // A fresh database, dropped at the end.
    const dbName = `caseflow_${this.runId}`;
    this.databaseName = dbName;
    const admin = new pg.Client({ connectionString: o.adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const dbUrl = new URL(o.adminUrl);
    dbUrl.pathname = `/${dbName}`;
    const databaseUrl = dbUrl.toString();
    if (!o.keepDatabase) {
      this.cleanups.push({
        name: 'database',
        run: async () => {
          const dropper = new pg.Client({ connectionString: o.adminUrl });
          await dropper.connect();
          await dropper.query(`drop database if exists ${dbName} with (force)`);
          await dropper.end();
        },
      });
    }
    this.say(`database ${dbName}; logs in ${this.logDir}`);

    // Temporal: a dev server on a free port with a file database, so a restart keeps everything.
    this.devServer = new DevServer({ dir: join(o.workDir, 'temporal'), port: await freePort(), log: log('temporal') });
    await this.devServer.start();
    this.cleanups.push({ name: 'Temporal dev server', run: () => this.devServer.stop('SIGTERM') });
    const connection = await Connection.connect({ address: this.devServer.address });
    this.cleanups.push({ name: 'Temporal client', run: () => connection.close() });
    this.temporal = new Client({ connection, namespace: 'default' });
    this.say(`Temporal dev server on ${this.devServer.address}`);

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: this.devServer.address,
      TEMPORAL_NAMESPACE: 'default',
      DATA_DIR: join(o.workDir, 'data'),
      SMTP_LISTEN_PORT: String((this.smtpPort = await freePort())),
      LOG_LEVEL: 'warn',
      CASE_ANSWER_TIMEOUT_SECONDS: String(o.answerTimeoutSeconds),
      ...(o.closeAfterMinutes === null ? {} : { SURVEY_RESPONSE_MINUTES: String(o.closeAfterMinutes), CASE_REOPEN_WINDOW_MINUTES: '0' }),
    };
    const serverLog = log('server');
    const server = new Child('server', process.execPath, [join(o.distDir, 'app', 'server.js')], env, serverLog);
    this.server = server;
    this.cleanups.push({ name: 'server', run: () => server.stop('SIGTERM') });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(`the server to answer GET /health with 200 on ${baseUrl}`, 90_000, async () => {
      if (!server.running) throw new Error(`it exited: ${server.lastLines(3)}`);
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      return response.status === 200 ? true : undefined;
    });
    this.say(`server (pid ${server.pid}) on ${baseUrl}`);

    const workerLog = log('worker');
    this.workers = new Workers(() => new Child('worker', process.execPath, [join(o.distDir, 'app', 'worker.js')], { ...env, LOG_LEVEL: 'info' }, workerLog));
    const first = this.workers.start();
    this.cleanups.push({ name: 'worker', run: () => this.workers.stop() });
    await first.waitForOutput(/worker polling/, 90_000);
    this.say(`worker (pid ${first.pid}) polling`);

    // Named, so that phase 4 terminates the app's connections and not the soak's own.
    const soakUrl = new URL(databaseUrl);
    soakUrl.searchParams.set('application_name', SOAK_APPLICATION_NAME);
    this.db = openDatabase({ kind: 'postgres', url: soakUrl.toString(), poolMax: 4 });
    this.cleanups.push({ name: 'soak database handle', run: () => this.db.destroy() });
    this.client = new SoakClient(baseUrl, this.traffic, this.deadline);
    await this.prepareUsers();
  }

  /** Agents in the gold queue and customers of the gold account, all with the demo password; a large gold allowance. */
  private async prepareUsers(): Promise<void> {
    const o = this.options;
    const db = this.db;
    const { password_hash: hash } = await db('users').where({ username: DEMO.usernames.goldCustomer }).first<{ password_hash: string }>('password_hash');
    const goldQueue = await db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    const agentNames = range(o.agents).map((i) => `soak-agent-${String(i + 1).padStart(3, '0')}`);
    const customerNames = range(o.customers).map((i) => `soak-customer-${String(i + 1).padStart(3, '0')}`);
    for (const username of customerNames) {
      const email = `${username}@contoso-gold.example`;
      const [contact] = await db('contacts').insert({ account_id: DEMO.goldAccountId, first_name: 'Soak', last_name: username, email }).returning<{ id: string }[]>('id');
      await db('users').insert({ username, display_name: username, email, role: 'customer', contact_id: contact!.id, password_hash: hash });
    }
    for (const username of agentNames) {
      const [user] = await db('users').insert({ username, display_name: username, email: `${username}@caseflow.example`, role: 'agent', password_hash: hash }).returning<{ id: string }[]>('id');
      await db('queue_members').insert({ queue_id: goldQueue.id, user_id: user!.id });
    }
    await db('entitlements').where({ id: DEMO.goldEntitlementId }).update({ total_terms: GOLD_ALLOWANCE, remaining_terms: GOLD_ALLOWANCE });
    this.productId = (await db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id')).id;
    this.articleId = (await db('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string }>('id')).id;

    const login = async (username: string): Promise<User> => {
      const answer = await this.client.call('setup', 'POST', '/auth/token', { body: { username, password: 'demo' } });
      if (answer.status !== 200) throw new Error(`sign-in of ${username} answered ${answer.status}`);
      return { username, token: String(answer.body.accessToken) };
    };
    // One at a time: sign-ins share one per-IP rate limit.
    for (const name of agentNames) this.agents.push(await login(name));
    for (const name of customerNames) this.customers.push(await login(name));
    this.alice = await login(DEMO.usernames.goldCustomer);
    this.gina = await login(DEMO.usernames.goldAgent);
    this.sue = await login(DEMO.usernames.supervisor);
    this.say(`${o.agents} agents and ${o.customers} customers signed in`);
  }

  // --- the API calls a case lifecycle makes -------------------------------------------------------

  private fail(what: string, answer: Answer): never {
    throw new Error(`${what} answered ${answer.status}: ${detailOf(answer.body).slice(0, 200)}`);
  }

  /** Waits (GET answers 202 with Retry-After) until the case is recorded. */
  private async recorded(phase: string, token: string, caseNumber: string): Promise<void> {
    for (;;) {
      const answer = await this.client.call(phase, 'GET', `/cases/${caseNumber}`, { token, unmeasured: true });
      if (answer.status === 200) return;
      if (answer.status !== 202) this.fail(`GET /cases/${caseNumber}`, answer);
      if (Date.now() > this.deadline) throw new Error(`case ${caseNumber} was never recorded`);
      await sleep(Math.max(1, Number(answer.retryAfter) || 1) * 1_000);
    }
  }

  /** Opens a case; the operation lasts until the case is recorded (a 202 is followed to its 200). */
  private async openCase(phase: string, customer: User, key: string, title: string): Promise<string> {
    const started = Date.now();
    const answer = await this.client.call(phase, 'POST', '/cases', { token: customer.token, key, body: { title, description: 'Opened by the soak.', channel: 'web' }, unmeasured: true });
    if (answer.status !== 201 && answer.status !== 202) this.fail('POST /cases', answer);
    const caseNumber = String(answer.body.caseNumber);
    this.caseNumbers.add(caseNumber);
    if (answer.status === 202) await this.recorded(phase, customer.token, caseNumber);
    this.traffic.latency(phase, Date.now() - started);
    return caseNumber;
  }

  private act(phase: string, user: User, caseNumber: string, action: string, body: unknown, key: string, expect: readonly number[] = []): Promise<Answer> {
    return this.client.call(phase, 'POST', `/cases/${caseNumber}/${action}`, { token: user.token, body, key, expect });
  }

  /** From the queue (or, `accepted`, from the agent's work in progress) to the Resolve stage. */
  private async workToResolveStage(phase: string, agent: User, caseNumber: string, key: string, accepted = false): Promise<void> {
    const steps: [string, unknown][] = [
      ...(accepted ? [] : [['accept', {}] as [string, unknown]]),
      ['steps/customer_confirmed/complete', {}],
      ['details', { productId: this.productId, subject: 'Printing' }],
      ['stage/advance', {}],
      ['articles', { articleId: this.articleId, sendToCustomer: true }],
      ['stage/advance', {}],
    ];
    for (const [i, [action, body]] of steps.entries()) {
      const answer = await this.act(phase, agent, caseNumber, action, body, `${key}-step${i}`);
      if (answer.status !== 200) this.fail(`${caseNumber} ${action}`, answer);
    }
  }

  private readonly resolution = { resolutionText: 'Restarted the print spooler', resolutionType: 'problem_solved' };

  private async lifecycle(phase: string, i: number): Promise<string> {
    const started = Date.now();
    const customer = this.customers[i % this.customers.length]!;
    const agent = this.agents[i % this.agents.length]!;
    const key = `${this.runId}-${phase}-${i}`;
    const caseNumber = await this.openCase(phase, customer, key, `Soak ${phase} ${i}: the printer is offline`);
    await this.workToResolveStage(phase, agent, caseNumber, key);
    const resolved = await this.act(phase, agent, caseNumber, 'resolve', this.resolution, `${key}-resolve`);
    if (resolved.status !== 200) this.fail(`${caseNumber} resolve`, resolved);
    (this.lifecycleMs[phase] ??= []).push(Date.now() - started);
    return caseNumber;
  }

  /** What the phases in their own files (sla-timers.ts, pg-terminations.ts, channel-poison.ts) work with. */
  private context(): SoakContext {
    return {
      runId: this.runId,
      client: this.client,
      db: this.db,
      temporal: this.temporal,
      workers: this.workers,
      server: this.server,
      adminUrl: this.options.adminUrl,
      databaseName: this.databaseName,
      smtpPort: this.smtpPort,
      alice: this.alice,
      gina: this.gina,
      sue: this.sue,
      agents: this.agents,
      customers: this.customers,
      resolution: this.resolution,
      say: (line) => this.say(line),
      addCheck: (c) => void this.checks.push(c),
      note: (phase, text) => {
        const i = this.phases.findIndex((p) => p.name === phase);
        if (i >= 0) this.phases[i] = { ...this.phases[i]!, notes: [this.phases[i]!.notes, text].filter(Boolean).join('; ') };
        else this.pendingNotes.set(phase, [this.pendingNotes.get(phase), text].filter(Boolean).join('; '));
      },
      remainingMs: () => this.remainingMs(),
      openCase: (phase, customer, key, title) => this.openCase(phase, customer, key, title),
      adoptCase: async (phase, token, caseNumber) => {
        this.caseNumbers.add(caseNumber);
        await this.recorded(phase, token, caseNumber);
      },
      act: (phase, user, caseNumber, action, body, key, expect) => this.act(phase, user, caseNumber, action, body, key, expect),
      resolveCase: async (phase, agent, caseNumber, key, accepted) => {
        await this.workToResolveStage(phase, agent, caseNumber, key, accepted);
        const resolved = await this.act(phase, agent, caseNumber, 'resolve', this.resolution, `${key}-resolve`);
        if (resolved.status !== 200) this.fail(`${caseNumber} resolve`, resolved);
      },
      lifecyclePhase: (name, count) => this.lifecyclePhase(name, count),
      phase: (name, body) => this.phase(name, body),
    };
  }

  // --- phases ---------------------------------------------------------------------------------

  private async phase(name: string, body: () => Promise<void>, lifecycles: PhaseSummary['lifecycles'] = null, failures: string[] = []): Promise<void> {
    const started = Date.now();
    const killsBefore = this.workers.kills;
    this.progressState.phase = name;
    this.workers.phase = name;
    this.say(`${name}: started`);
    try {
      await body();
    } finally {
      const summary: PhaseSummary = {
        name,
        durationMs: Date.now() - started,
        workerKills: this.workers.kills - killsBefore,
        lifecycles,
        statuses: { ...(this.traffic.statuses[name] ?? {}) },
        requestLatency: latencyStats(this.traffic.latencies[name] ?? []),
        lifecycleLatency: this.lifecycleMs[name] ? latencyStats(this.lifecycleMs[name]) : null,
        failures,
        ...(this.pendingNotes.has(name) ? { notes: this.pendingNotes.get(name)! } : {}),
      };
      this.pendingNotes.delete(name);
      this.phases.push(summary);
      this.say(`${name}: done in ${Math.round(summary.durationMs / 1000)} s`);
    }
  }

  private async lifecyclePhase(name: string, count: number): Promise<void> {
    const failures: string[] = [];
    const tally = { total: count, completed: 0, failed: 0 };
    await this.phase(
      name,
      async () => {
        Object.assign(this.progressState, { total: count, done: 0, failed: 0 });
        await Promise.all(
          range(count).map((i) =>
            sleep(((this.options.rampSeconds ?? 0) * 1_000 * i) / count).then(() => this.lifecycle(name, i)).then(
              () => {
                tally.completed += 1;
                this.progressState.done += 1;
              },
              (error: unknown) => {
                tally.failed += 1;
                this.progressState.failed += 1;
                failures.push((error as Error).message);
              },
            ),
          ),
        );
        this.progressState.total = 0;
      },
      tally,
      failures,
    );
    this.checks.push(check(`${name}: lifecycles completed`, `${count}/${count}`, `${tally.completed}/${count}`));
    if (name === 'kills') {
      // A run so fast that no kill landed among the lifecycles proves nothing: say so.
      const kills = this.phases.at(-1)?.workerKills ?? 0;
      this.checks.push(check('kills: worker SIGKILLs among the lifecycles', 'at least 1', String(kills), kills >= 1));
    }
  }

  /** Runs `body` while a loop SIGKILLs the worker and starts a new one every killEveryMs. */
  private async withKills(body: () => Promise<void>): Promise<void> {
    const [min, max] = this.options.killEveryMs;
    let stopped = false;
    const loop = (async () => {
      while (!stopped && this.workers.kills < (this.options.maxKills ?? Infinity)) {
        const until = Date.now() + min + Math.random() * (max - min);
        while (!stopped && Date.now() < until) await sleep(100);
        if (stopped) break;
        await this.workers.kill();
      }
    })();
    try {
      await body();
    } finally {
      stopped = true;
      await loop;
      // The last worker started by the loop must be up before the next phase.
      await this.workers.current?.waitForOutput(/worker polling/, Math.max(5_000, Math.min(90_000, this.remainingMs())));
    }
  }

  private async episodeRows(caseNumber: string): Promise<{ resolutions: number; usages: number; surveys: number }> {
    const row = await this.db('cases').where({ case_number: caseNumber }).first<{ id: string } | undefined>('id');
    if (!row) return { resolutions: 0, usages: 0, surveys: 0 };
    const count = async (table: string, where: Record<string, unknown>): Promise<number> =>
      Number((await this.db(table).where(where).count<{ n: string }[]>('* as n'))[0]!.n);
    return {
      resolutions: await count('activities', { case_id: row.id, type: 'resolution' }),
      usages: await count('entitlement_usages', { case_id: row.id }),
      surveys: await count('surveys', { case_id: row.id }),
    };
  }

  private async duplicates(): Promise<void> {
    const phase = 'duplicates';
    const n = this.options.duplicates;
    const key = `${this.runId}-duplicate-create`;
    const body = { title: 'Soak: the same create sent again and again', channel: 'web' };
    const creates = await Promise.all(range(n).map(() => this.client.call(phase, 'POST', '/cases', { token: this.alice.token, key, body })));
    const numbers = [...new Set(creates.map((a) => String(a.body.caseNumber)))];
    const createStatuses = creates.map((a) => a.status);
    this.checks.push(check(`duplicates: ${n} creates, one key: all 2xx, one number`, `${n} × 2xx, 1 number`, `${createStatuses.filter((s) => s >= 200 && s < 300).length} × 2xx, ${numbers.length} number${numbers.length === 1 ? '' : 's'}`));
    const caseNumber = numbers[0]!;
    this.caseNumbers.add(caseNumber);
    await this.recorded(phase, this.alice.token, caseNumber);
    const reservations = Number((await this.db('case_requests').whereLike('request_id', `%:${key}`).count<{ n: string }[]>('* as n'))[0]!.n);
    const rows = Number((await this.db('cases').where({ case_number: caseNumber }).count<{ n: string }[]>('* as n'))[0]!.n);
    this.checks.push(check('duplicates: one reserved number and one row for the key', '1 reserved, 1 row', `${reservations} reserved, ${rows} row${rows === 1 ? '' : 's'}`));

    // The same resolve, ten times at once with one key: the Update runs once, every caller gets its result.
    await this.workToResolveStage(phase, this.gina, caseNumber, `${key}-work`);
    const sameKey = await Promise.all(range(n).map(() => this.act(phase, this.gina, caseNumber, 'resolve', this.resolution, `${key}-resolve`)));
    this.checks.push(check(`duplicates: ${n} resolves, one key: all 200`, `${n} × 200`, summarize(sameKey.map((a) => a.status))));
    const once = await this.episodeRows(caseNumber);
    this.checks.push(check('duplicates: resolution/usage/survey (one key)', '1/1/1', `${once.resolutions}/${once.usages}/${once.surveys}`));

    // Ten resolves with ten keys: ten different requests, one wins, nine are real conflicts (409).
    const other = await this.openCase(phase, this.alice, `${key}-other`, 'Soak: resolved by ten agents at once');
    await this.workToResolveStage(phase, this.gina, other, `${key}-other-work`);
    const distinct = await Promise.all(range(n).map((i) => this.act(phase, this.gina, other, 'resolve', this.resolution, `${key}-other-resolve-${i}`, [409])));
    this.checks.push(check(`duplicates: ${n} resolves, ${n} keys: one wins`, `1 × 200, ${n - 1} × 409`, summarize(distinct.map((a) => a.status))));
    const single = await this.episodeRows(other);
    this.checks.push(check('duplicates: resolution/usage/survey (n keys)', '1/1/1', `${single.resolutions}/${single.usages}/${single.surveys}`));
  }

  private async poison(): Promise<void> {
    const phase = 'poison';
    const count = async (table: string): Promise<number> => Number((await this.db(table).count<{ n: string }[]>('* as n'))[0]!.n);
    const [casesBefore, reservedBefore] = [await count('cases'), await count('case_requests')];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const creates: [string, User, Record<string, unknown>][] = [
      ['title with NUL', this.alice, { title: 'Printer\u0000 offline', channel: 'web' }],
      ['description with a lone surrogate', this.alice, { title: 'Printer offline', description: 'broken \ud800 text', channel: 'web' }],
      ['subject with a lone low surrogate', this.alice, { title: 'Printer offline', subject: 'half \udc00 pair', channel: 'web' }],
      ['unknown product', this.alice, { title: 'Printer offline', channel: 'web', productId: unknown }],
      ['unknown customer', this.gina, { title: 'Printer offline', channel: 'web', customer: { type: 'contact', id: unknown } }],
    ];
    const outcomes: string[] = [];
    for (const [what, user, body] of creates) {
      const answer = await this.client.call(phase, 'POST', '/cases', { token: user.token, body, key: `${this.runId}-poison-${outcomes.length}`, expect: [422] });
      outcomes.push(`POST /cases ${what}: ${answer.status}`);
    }
    const caseNumber = await this.openCase(phase, this.alice, `${this.runId}-poison-live`, 'Soak: a live case fed bad input');
    const accepted = await this.act(phase, this.gina, caseNumber, 'accept', {}, `${this.runId}-poison-accept`);
    if (accepted.status !== 200) this.fail(`${caseNumber} accept`, accepted);
    const actions: [string, User, string, unknown][] = [
      ['unknown product', this.gina, 'details', { productId: unknown }],
      ['note with a lone surrogate', this.alice, 'notes', { text: 'half a pair \udc00' }],
      ['reply with NUL', this.gina, 'replies', { text: 'Hello\u0000there' }],
      ['transfer to an unknown queue', this.gina, 'transfer', { queueId: unknown }],
      ['assign to an unknown user', this.sue, 'assign', { userId: unknown }],
      ['link an unknown article', this.gina, 'articles', { articleId: unknown }],
      ['activity with NUL in its subject', this.gina, 'activities', { type: 'note', subject: 'Called\u0000 back' }],
    ];
    for (const [what, user, action, body] of actions) {
      const answer = await this.act(phase, user, caseNumber, action, body, `${this.runId}-poison-${outcomes.length}`, [422]);
      outcomes.push(`${action} ${what}: ${answer.status}`);
    }
    const refused = outcomes.filter((o) => o.endsWith(': 422')).length;
    this.checks.push(check('poison: every bad input answered 422', `${outcomes.length} × 422`, `${refused} × 422`, refused === outcomes.length));
    if (refused !== outcomes.length) this.say(`poison outcomes: ${outcomes.join('; ')}`);
    const [casesAfter, reservedAfter] = [await count('cases'), await count('case_requests')];
    // The one case the phase opened on purpose (the live case) is all that was added.
    this.checks.push(check('poison: nothing opened or reserved (+1: the live case)', '+1 case, +1 number', `+${casesAfter - casesBefore} case, +${reservedAfter - reservedBefore} number`));
    // The case fed bad input is not wedged: it takes a good note and goes all the way to resolved.
    const note = await this.act(phase, this.alice, caseNumber, 'notes', { text: 'It is the X200 model' }, `${this.runId}-poison-good-note`);
    await this.workToResolveStage(phase, this.gina, caseNumber, `${this.runId}-poison-work`, true);
    const resolved = await this.act(phase, this.gina, caseNumber, 'resolve', this.resolution, `${this.runId}-poison-resolve`);
    this.checks.push(check('poison: the case still works (note, resolve)', '200, 200', `${note.status}, ${resolved.status}`));
  }

  private async devServerOutage(): Promise<void> {
    const phase = 'dev-server';
    // Cases resolved just before the outages: their survey and closing timers come due during or after them.
    const before = await Promise.all(range(3).map((i) => this.lifecycle(phase, i)));
    const open = await this.openCase(phase, this.alice, `${this.runId}-outage-open`, 'Soak: open through the outages');
    const accepted = await this.act(phase, this.gina, open, 'accept', {}, `${this.runId}-outage-accept`);
    if (accepted.status !== 200) this.fail(`${open} accept`, accepted);

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const down = Date.now();
      await this.devServer.stop(signal);
      this.say(`dev-server: stopped with ${signal}`);
      const stoppedMs = Date.now() - down;
      const noteKey = `${this.runId}-outage-note-${signal}`;
      const noteText = `Any news? (${signal})`;
      const createKey = `${this.runId}-outage-create-${signal}`;
      const createBody = { title: `Soak: opened while Temporal is down (${signal})`, description: 'Opened by the soak.', channel: 'web' };
      // One attempt each, all at once: what a client sees while Temporal is down, and how soon.
      const timed = async <T>(probe: () => Promise<T>): Promise<{ value: T; ms: number }> => {
        const started = Date.now();
        const value = await probe();
        return { value, ms: Date.now() - started };
      };
      const [health, state, read, note, create] = await Promise.all([
        timed(() => fetch(`${this.client.baseUrl}/health`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.status, () => 0)),
        timed(() => this.client.call(phase, 'GET', `/cases/${open}/state`, { token: this.gina.token, once: true })),
        timed(() => this.client.call(phase, 'GET', `/cases/${open}`, { token: this.gina.token, once: true })),
        timed(() => this.client.call(phase, 'POST', `/cases/${open}/notes`, { token: this.alice.token, key: noteKey, body: { text: noteText }, once: true })),
        timed(() => this.client.call(phase, 'POST', '/cases', { token: this.alice.token, key: createKey, body: createBody, once: true })),
      ]);
      const answered = (a: Answer): string => `${a.status}${a.status === 503 ? (a.retryAfter ? ' +Retry-After' : ' without Retry-After') : ''}`;
      this.checks.push(
        check(
          `dev-server ${signal}: while down, health/state/note/create 503, read model 200`,
          '503, 503 +Retry-After, 503 +Retry-After, 503 +Retry-After; 200',
          `${health.value}, ${answered(state.value)}, ${answered(note.value)}, ${answered(create.value)}; ${read.value.status}`,
        ),
      );
      const probes = { health: health.ms, state: state.ms, read: read.ms, note: note.ms, create: create.ms };
      this.say(`dev-server: answered while down within ${Object.entries(probes).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
      await this.devServer.start();
      const downMs = Date.now() - down;
      this.devServerStops.push({ signal, downMs, stoppedMs, probesMs: probes });
      this.say(`dev-server: started again after ${Math.round(downMs / 1000)} s down`);
      // The requests refused meanwhile, retried with their keys: each happens once.
      const noteAgain = await this.client.call(phase, 'POST', `/cases/${open}/notes`, { token: this.alice.token, key: noteKey, body: { text: noteText } });
      const createAgain = await this.client.call(phase, 'POST', '/cases', { token: this.alice.token, key: createKey, body: createBody });
      if (createAgain.status === 201 || createAgain.status === 202) {
        const caseNumber = String(createAgain.body.caseNumber);
        this.caseNumbers.add(caseNumber);
        await this.recorded(phase, this.alice.token, caseNumber);
        await this.workToResolveStage(phase, this.gina, caseNumber, `${createKey}-work`);
        await this.act(phase, this.gina, caseNumber, 'resolve', this.resolution, `${createKey}-resolve`);
      }
      const caseRow = await this.db('cases').where({ case_number: open }).first<{ id: string }>('id');
      const notes = Number((await this.db('activities').where({ case_id: caseRow.id, type: 'note', body: noteText }).count<{ n: string }[]>('* as n'))[0]!.n);
      const creates = Number((await this.db('case_requests').whereLike('request_id', `%:${createKey}`).count<{ n: string }[]>('* as n'))[0]!.n);
      this.checks.push(check(`dev-server ${signal}: retried with their keys after, note and create happen once`, '200 (1 note), 2xx (1 case)', `${noteAgain.status} (${notes} note), ${createAgain.status} (${creates} case)`, noteAgain.status === 200 && notes === 1 && createAgain.status >= 200 && createAgain.status < 300 && creates === 1));
    }
    // The open case too is resolved, so every case the soak opened ends the same way.
    await this.workToResolveStage(phase, this.gina, open, `${this.runId}-outage-open-work`, true);
    const resolved = await this.act(phase, this.gina, open, 'resolve', this.resolution, `${this.runId}-outage-open-resolve`);
    if (resolved.status !== 200) this.fail(`${open} resolve`, resolved);

    if (this.options.closeAfterMinutes !== null) {
      // Timers set before the outages fire after them: the cases resolved first close (survey window, then reopen window 0).
      const closeWithinMs = this.options.closeAfterMinutes * 60_000 + 120_000;
      const closed = await waitFor(`the cases resolved before the outages to close`, Math.min(closeWithinMs, this.remainingMs()), async () => {
        const rows = await this.db('cases').whereIn('case_number', before).where({ status: 'closed' }).count<{ n: string }[]>('* as n');
        return Number(rows[0]!.n) === before.length ? before.length : undefined;
      }, 2_000).catch(() => -1);
      this.checks.push(check('dev-server: timers set before the outages fired after (closed)', `${before.length} closed`, closed < 0 ? 'not all closed in time' : `${closed} closed`));
    }
  }

  /** Waits for what the lifecycles set in motion: with short windows every case closes and its workflow completes. */
  private async settle(): Promise<void> {
    if (this.options.closeAfterMinutes === null) return;
    const total = this.caseNumbers.size;
    const waitMs = Math.min(this.options.closeAfterMinutes * 60_000 + 180_000, this.remainingMs() - 30_000);
    let closed = 0;
    await waitFor(`every case to close (${total})`, Math.max(waitMs, 0), async () => {
      const rows = await this.db('cases').where({ status: 'closed' }).count<{ n: string }[]>('* as n');
      closed = Number(rows[0]!.n);
      return closed === total ? true : undefined;
    }, 2_000).catch(() => undefined);
    this.checks.push(check('settle: every case closed (survey window)', `${total} closed`, `${closed} closed`));
    const statuses: Record<string, number> = {};
    for await (const info of this.temporal.workflow.list({ query: `WorkflowType = 'caseWorkflow' AND ExecutionStatus != 'ContinuedAsNew'` })) {
      statuses[info.status.name] = (statuses[info.status.name] ?? 0) + 1;
    }
    this.checks.push(check('settle: every case workflow completed', `${total} COMPLETED`, Object.entries(statuses).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'));
  }

  private async finalChecks(): Promise<void> {
    const db = this.db;
    const total = this.caseNumbers.size;
    const rows = Number((await db('cases').count<{ n: string }[]>('* as n'))[0]!.n);
    this.checks.push(check('cases: one row per case opened, none more', String(total), String(rows)));
    const perCase = await db.raw<{ rows: { resolutions: string; usages: string; surveys: string; n: string }[] }>(
      `select r.n as resolutions, u.n as usages, s.n as surveys, count(*) as n
         from cases c
         cross join lateral (select count(*) as n from activities a where a.case_id = c.id and a.type = 'resolution') r
         cross join lateral (select count(*) as n from entitlement_usages e where e.case_id = c.id) u
         cross join lateral (select count(*) as n from surveys v where v.case_id = c.id) s
        group by 1, 2, 3 order by 4 desc`,
    );
    const shape = perCase.rows.map((r) => `${r.n} × ${r.resolutions}/${r.usages}/${r.surveys}`).join(', ');
    this.checks.push(check('every case: resolution/usage/survey rows', `${rows} × 1/1/1`, shape));
    const gold = await db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms');
    const decrement = GOLD_ALLOWANCE - Number(gold.remaining_terms);
    const usages = Number((await db('entitlement_usages').where({ entitlement_id: DEMO.goldEntitlementId }).count<{ n: string }[]>('* as n'))[0]!.n);
    this.checks.push(check('entitlement: decremented once per case', `−${rows} (${rows} usages)`, `−${decrement} (${usages} usages)`));
    this.checks.push(check('responses: none but 2xx/409/422/503+Retry-After', '0', String(this.traffic.violations.length)));
    this.reconciliation = await reconcile({ records: createReconciliationRepository(db), workflows: temporalCaseWorkflows(this.temporal) }, { graceMs: 0 });
    this.checks.push(check('reconcile: records and workflows match', '0 mismatches', `${this.reconciliation.mismatches.length} mismatches`));
  }

  private result(error: string | null): SoakResult {
    const stats = (phase: string) => ({ requests: latencyStats(this.traffic.latencies[phase] ?? []), lifecycles: latencyStats(this.lifecycleMs[phase] ?? []) });
    const withoutKills = stats('baseline');
    const withKills = stats('kills');
    const { progress: _progress, ...options } = this.options;
    const checksOk = this.checks.length > 0 && this.checks.every((c) => c.ok);
    return {
      ok: error === null && checksOk,
      error,
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      options,
      phases: this.phases,
      faults: {
        workerKills: this.workers?.kills ?? 0,
        workerStarts: this.workers?.starts ?? 0,
        workerUnexpectedExits: this.workers?.unexpectedExits ?? [],
        devServerStops: this.devServerStops,
      },
      latency: {
        withoutKills,
        withKills,
        extra: {
          requestP50: withKills.requests.p50 - withoutKills.requests.p50,
          requestP95: withKills.requests.p95 - withoutKills.requests.p95,
          lifecycleP50: withKills.lifecycles.p50 - withoutKills.lifecycles.p50,
          lifecycleP95: withKills.lifecycles.p95 - withoutKills.lifecycles.p95,
        },
      },
      totals: this.traffic.totals(),
      casesOpened: this.caseNumbers.size,
      checks: this.checks,
      violations: this.traffic.violations.slice(0, 100),
      reconciliation: this.reconciliation && { ok: this.reconciliation.ok, checks: this.reconciliation.checks, mismatches: this.reconciliation.mismatches },
      logs: this.logDir,
    };
  }
}

function summarize(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n} × ${s}`).join(', ');
}

/** A scratch directory for one run. */
export function scratchDir(base: string): string {
  const dir = join(base, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 4)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
