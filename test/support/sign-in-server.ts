import { request as httpRequest } from 'node:http';
import pino from 'pino';
import type { Server } from 'restify';
import { createAuthenticator, registerAuthRoutes } from '../../api/auth';
import { createApiServer } from '../../api/server';
import { userRoutes } from '../../api/users.routes';
import { close, listen } from '../../app/process/network';
import type { Database } from '../../db/connection';
import { createDirectoryRepository } from '../../db/repositories/directory.repository';
import { createSignInAuditRepository } from '../../db/repositories/sign-in-audit.repository';
import { createSignInThrottleRepository } from '../../db/repositories/sign-in-throttle.repository';
import { createUserRepository } from '../../db/repositories/user.repository';
import type { SignInLimits } from '../../domain/sign-in-throttle';
import { createAuthService } from '../../services/auth.service';
import { createSignInGuard } from '../../services/sign-in-guard';
import { createUsersService } from '../../services/users.service';

/**
 * The API's sign-in and user routes over one database, wired as app/wiring/services.wiring.ts
 * wires them but with a clock the test moves: no Temporal needed, no waiting for locks to run out.
 */
export interface SignInServer {
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startSignInServer(db: Database, options: { readonly limits: SignInLimits; readonly now: () => Date }): Promise<SignInServer> {
  const users = createUserRepository(db);
  const audit = createSignInAuditRepository(db);
  const auth = createAuthService({
    users,
    signIns: createSignInGuard({ throttles: createSignInThrottleRepository(db), limits: options.limits }),
    audit,
    jwtSecret: 'sign-in-test-secret-of-at-least-32-characters',
    tokenTtlMinutes: 60,
    now: options.now,
  });
  const server: Server = createApiServer({
    logger: pino({ level: 'silent' }),
    health: {} as never,
    authenticate: createAuthenticator(auth),
    definitions: userRoutes(createUsersService({ users, contacts: createDirectoryRepository(db), signIns: audit })),
    routes: [(s) => registerAuthRoutes(s, auth)],
  });
  await listen(server, '127.0.0.1', 0);
  return { baseUrl: `http://127.0.0.1:${server.address().port}`, close: () => close(server) };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/**
 * One request from a chosen loopback address (127.0.0.2, 127.0.0.3 …): sign-in limits count per
 * client address, so each test can be a client of its own.
 */
export function requestFrom(from: string, baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}${path}`,
      {
        method,
        localAddress: from,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
