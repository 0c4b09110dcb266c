import { resolve } from 'node:path';
import { z } from 'zod';
import { isServiceUrlEntry } from '../../bot/service-urls';
import type { SignInLimits } from '../../domain/sign-in-throttle';
import { developmentSecrets } from './secrets';

const port = z.coerce.number().int().min(1).max(65_535);
const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const hostPort = z.string().superRefine((value, ctx) => {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (!match) ctx.addIssue({ code: 'custom', message: 'must be host:port, e.g. 127.0.0.1:7233' });
  else if (Number(match[2]) > 65_535) ctx.addIssue({ code: 'custom', message: 'port must be at most 65535' });
});
const postgresUrl = z
  .string()
  .url('must be a URL such as postgres://user:password@host:5432/caseflow')
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('data'),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('caseflow'),
  TEMPORAL_DEV_SERVER_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Unset: the embedded dev server's Web UI (http://HOST:TEMPORAL_UI_PORT), or none with TEMPORAL_ADDRESS. */
  TEMPORAL_UI_URL: z
    .string()
    .url('must be a URL such as https://temporal.example.com')
    .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
    .optional(),
  /** Unset: on (the processes that open cases register them at start). */
  TEMPORAL_SEARCH_ATTRIBUTES: bool.optional(),
  /** Unset: the worker's own Prometheus endpoint is off. */
  TEMPORAL_WORKER_METRICS_PORT: port.optional(),
  /** Unset: the Temporal SDK's default, sized from the heap limit. */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int('must be an integer').min(0, 'must be 0 or more').max(1_000_000, 'must be at most 1000000').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: z.string().url('must be a URL such as https://support.example.com').optional(),
  SURVEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CASE_REOPEN_WINDOW_MINUTES: z.coerce.number().int().min(0).max(525_600).default(7 * 24 * 60),
  SURVEY_RESPONSE_MINUTES: z.coerce.number().int().min(1).max(525_600).default(7 * 24 * 60),
  SLA_BUMP_PRIORITY_ON_FAILURE: bool.default(true),
  CASE_ANSWER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(8 * 60),
  DEMO_PASSWORD: z.string().min(4).default('demo'),
  SIGN_IN_ACCOUNT_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  SIGN_IN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SIGN_IN_LOCK_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(15 * 60),
  SIGN_IN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(30),
  SIGN_IN_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(15 * 60),
  SMTP_LISTEN_PORT: z.coerce.number().int().min(0).max(65_535).default(2525),
  SMTP_RELAY_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().email('must be an email address').default('support@caseflow.local'),
  EMAIL_TRUSTED_AUTHSERV_ID: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name such as mx.example.com').optional(),
  MICROSOFT_APP_ID: z.string().optional(),
  MICROSOFT_APP_PASSWORD: z.string().optional(),
  MICROSOFT_APP_TENANT_ID: z.string().optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  /** Comma-separated; unset: the mode's defaults (bot/service-urls.ts). */
  BOT_ALLOWED_SERVICE_URLS: z
    .string()
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .superRefine((entries, ctx) => {
      const bad = entries.filter((entry) => !isServiceUrlEntry(entry));
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `must be comma-separated origins such as https://*.botframework.com or http://localhost:* (not ${bad.join(', ')})` });
    })
    .optional(),
  RUN_MIGRATIONS: bool.default(true),
  /** Unset: demo data in development and test, never in production. */
  SEED_DEMO_DATA: bool.optional(),
});

export type Environment = z.infer<typeof schema>;

export interface AppConfig {
  readonly env: Environment['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly database: { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly temporal: {
    /** Unset: the all-in-one process starts an embedded dev server on devServerPort. */
    readonly address: string | undefined;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly devServerPort: number;
    readonly uiPort: number;
    /** The Temporal Web UI that case history links point to (TEMPORAL_UI_URL); undefined: the embedded dev server's, if any. */
    readonly webUiUrl: string | undefined;
    /** `host:port` of the worker's own Prometheus endpoint (TEMPORAL_WORKER_METRICS_PORT on HOST); undefined: off. */
    readonly workerMetricsAddress: string | undefined;
    /** How many case workflows a worker keeps in memory between tasks (sticky cache); undefined: the SDK's default. */
    readonly maxCachedWorkflows: number | undefined;
  };
  /** Where links in emails and cards point (survey links). */
  readonly publicBaseUrl: string;
  /** Signs survey tokens; stable across processes so a retried activity makes the same link. */
  readonly surveySecret: string;
  readonly caseSettings: {
    readonly reopenWindowMinutes: number;
    readonly surveyResponseMinutes: number;
    readonly bumpPriorityOnFailure: boolean;
    readonly continueAsNewAfterEvents: number;
    /** Cases upsert their search attributes (CaseNumber, CaseStatus …); registered on the namespace at start. */
    readonly searchAttributes: boolean;
  };
  /** How long a case action or a look at a case's state waits for its workflow before answering 503. */
  readonly caseAnswerTimeoutMs: number;
  readonly auth: {
    /** Signs the API's bearer tokens (HS256). */
    readonly jwtSecret: string;
    readonly tokenTtlMinutes: number;
    /** The password of the seeded demo users. */
    readonly demoPassword: string;
    /** When failed sign-ins lock an account name or an address (domain/sign-in-throttle.ts). */
    readonly signIn: SignInLimits;
  };
  readonly mail: {
    /** Inbound SMTP listener port (0 = off). */
    readonly listenPort: number;
    /** Outbound relay; unset = .eml files in DATA_DIR/outbox. */
    readonly relayUrl: string | undefined;
    readonly from: string;
    readonly outboxDir: string;
    /** Only Authentication-Results headers from this MTA are honoured; null: any (failures only). */
    readonly trustedAuthservId: string | null;
  };
  /** Bot Framework credentials; all unset = the Emulator / local Web Chat, development only. */
  readonly bot: {
    readonly appId: string | undefined;
    readonly appPassword: string | undefined;
    readonly tenantId: string | undefined;
    readonly appType: Environment['MICROSOFT_APP_TYPE'];
    /** Where the bot may send replies besides this app's own connector; undefined: the mode's defaults (bot/service-urls.ts). */
    readonly allowedServiceUrls: readonly string[] | undefined;
  };
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly runMigrations: boolean;
  readonly seedDemoData: boolean;
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** HOST as a socket address the Temporal runtime binds to: an IP literal (IPv6 in brackets). */
function bindHost(host: string): string {
  if (host === 'localhost') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings count as unset, as in most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.');
      const value = source[variable];
      return `${variable} ${issue.message}${value === undefined ? '' : ` (got '${value}')`}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.DATA_DIR);
  // Production, or any address other than this machine's: the secrets must come from the environment.
  const exposed = env.NODE_ENV === 'production' || !isLoopback(env.HOST);
  const why = env.NODE_ENV === 'production' ? 'in production' : `when HOST (${env.HOST}) is not a loopback address`;
  if (exposed) {
    if (!env.SURVEY_SECRET) throw new ConfigError(`Invalid configuration: SURVEY_SECRET must be set ${why} (at least 16 random characters)`);
    if (!env.JWT_SECRET) throw new ConfigError(`Invalid configuration: JWT_SECRET must be set ${why} (at least 32 random characters)`);
  }
  if (env.TEMPORAL_WORKER_METRICS_PORT !== undefined && env.TEMPORAL_WORKER_METRICS_PORT === env.PORT) {
    throw new ConfigError(`Invalid configuration: TEMPORAL_WORKER_METRICS_PORT (${env.TEMPORAL_WORKER_METRICS_PORT}) must differ from PORT: the HTTP server listens there`);
  }
  if (env.SIGN_IN_LOCK_MAX_SECONDS < env.SIGN_IN_LOCK_SECONDS) {
    throw new ConfigError(`Invalid configuration: SIGN_IN_LOCK_MAX_SECONDS (${env.SIGN_IN_LOCK_MAX_SECONDS}) must be at least SIGN_IN_LOCK_SECONDS (${env.SIGN_IN_LOCK_SECONDS})`);
  }
  const seedDemoData = env.SEED_DEMO_DATA ?? env.NODE_ENV !== 'production';
  if (seedDemoData && exposed && present.DEMO_PASSWORD === undefined) {
    throw new ConfigError(`Invalid configuration: SEED_DEMO_DATA needs DEMO_PASSWORD ${why} (the demo users would sign in with "demo")`);
  }
  // Development on this machine: random secrets generated once per data folder, never derived.
  const generated = env.JWT_SECRET && env.SURVEY_SECRET ? undefined : developmentSecrets(dataDir);
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    dataDir,
    database: env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: resolve(dataDir, 'pg') },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      devServerPort: env.TEMPORAL_DEV_SERVER_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      webUiUrl: env.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
      workerMetricsAddress: env.TEMPORAL_WORKER_METRICS_PORT === undefined ? undefined : `${bindHost(env.HOST)}:${env.TEMPORAL_WORKER_METRICS_PORT}`,
      maxCachedWorkflows: env.TEMPORAL_MAX_CACHED_WORKFLOWS,
    },
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    surveySecret: env.SURVEY_SECRET ?? generated!.surveySecret,
    caseSettings: {
      reopenWindowMinutes: env.CASE_REOPEN_WINDOW_MINUTES,
      surveyResponseMinutes: env.SURVEY_RESPONSE_MINUTES,
      bumpPriorityOnFailure: env.SLA_BUMP_PRIORITY_ON_FAILURE,
      continueAsNewAfterEvents: 5_000,
      searchAttributes: env.TEMPORAL_SEARCH_ATTRIBUTES ?? true,
    },
    caseAnswerTimeoutMs: env.CASE_ANSWER_TIMEOUT_SECONDS * 1_000,
    auth: {
      jwtSecret: env.JWT_SECRET ?? generated!.jwtSecret,
      tokenTtlMinutes: env.TOKEN_TTL_MINUTES,
      demoPassword: env.DEMO_PASSWORD,
      signIn: {
        accountMaxFailures: env.SIGN_IN_ACCOUNT_MAX_FAILURES,
        lockSeconds: env.SIGN_IN_LOCK_SECONDS,
        lockMaxSeconds: env.SIGN_IN_LOCK_MAX_SECONDS,
        addressMaxFailures: env.SIGN_IN_ADDRESS_MAX_FAILURES,
        addressWindowSeconds: env.SIGN_IN_ADDRESS_WINDOW_SECONDS,
      },
    },
    mail: {
      listenPort: env.SMTP_LISTEN_PORT,
      relayUrl: env.SMTP_RELAY_URL,
      from: env.MAIL_FROM,
      outboxDir: resolve(dataDir, 'outbox'),
      trustedAuthservId: env.EMAIL_TRUSTED_AUTHSERV_ID ?? null,
    },
    bot: {
      appId: env.MICROSOFT_APP_ID,
      appPassword: env.MICROSOFT_APP_PASSWORD,
      tenantId: env.MICROSOFT_APP_TENANT_ID,
      appType: env.MICROSOFT_APP_TYPE,
      allowedServiceUrls: env.BOT_ALLOWED_SERVICE_URLS,
    },
    logLevel: env.LOG_LEVEL,
    runMigrations: env.RUN_MIGRATIONS,
    seedDemoData,
  };
}
