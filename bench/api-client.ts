import { DEMO } from '../db/seeds/demo';
import { caseWorkflowId } from '../domain/case-number';

/** The few API calls the bench makes outside the measured load: sign-ins, the bench customers, cases to act on. */

export const BENCH_PASSWORD = 'bench-password-0001';

async function call(baseUrl: string, method: string, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function signIn(baseUrl: string, username: string, password = 'demo'): Promise<string> {
  const body = await expectStatus(await call(baseUrl, 'POST', '/auth/token', { username, password }), 200, `sign-in of ${username}`);
  return (body as { accessToken: string }).accessToken;
}

/** Creates a customer user (as the demo administrator) for each contact, and signs each in. */
export async function benchCustomerTokens(baseUrl: string, contactIds: readonly string[], group = 'customer'): Promise<string[]> {
  const admin = await signIn(baseUrl, DEMO.usernames.admin);
  const tokens: string[] = [];
  for (const [index, contactId] of contactIds.entries()) {
    const username = `bench-${group}-${index + 1}`;
    await expectStatus(
      await call(baseUrl, 'POST', '/users', {
        username,
        displayName: `Bench ${group} ${index + 1}`,
        email: `${username}@bench-users.example`,
        role: 'customer',
        password: BENCH_PASSWORD,
        contactId,
      }, admin),
      201,
      `creating ${username}`,
    );
    tokens.push(await signIn(baseUrl, username, BENCH_PASSWORD));
  }
  return tokens;
}

export interface OpenedCase {
  readonly caseNumber: string;
  readonly workflowId: string;
}

/**
 * POST /cases; a 202 ("still opening", a loaded machine) is followed by GET /cases/{n} until the
 * case is recorded (at most a minute), as a client would.
 */
export async function openCase(baseUrl: string, token: string, title: string): Promise<OpenedCase> {
  const response = await call(baseUrl, 'POST', '/cases', { title, description: 'Opened by npm run bench', channel: 'web' }, token);
  const body = await expectStatus(response, response.status === 202 ? 202 : 201, 'opening a case');
  // A customer's view of a case leaves the workflow id out: it follows from the number.
  const { caseNumber } = body as { caseNumber: string };
  if (response.status === 202) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const recorded = await call(baseUrl, 'GET', `/cases/${caseNumber}`, undefined, token);
      await recorded.arrayBuffer();
      if (recorded.status === 200) break;
      if (Date.now() > deadline) throw new Error(`${caseNumber} answered 202 and was not recorded within a minute`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return { caseNumber, workflowId: caseWorkflowId(caseNumber) };
}

/** Creates `count` staff users of `role` (as the demo administrator) and signs each in. */
export async function benchStaffTokens(baseUrl: string, count: number, role: 'agent' | 'supervisor', group: string): Promise<string[]> {
  const admin = await signIn(baseUrl, DEMO.usernames.admin);
  const tokens: string[] = [];
  for (let index = 1; index <= count; index += 1) {
    const username = `bench-${group}-${index}`;
    await expectStatus(
      await call(baseUrl, 'POST', '/users', { username, displayName: `Bench ${group} ${index}`, email: `${username}@bench-staff.example`, role, password: BENCH_PASSWORD }, admin),
      201,
      `creating ${username}`,
    );
    tokens.push(await signIn(baseUrl, username, BENCH_PASSWORD));
  }
  return tokens;
}

/**
 * POST /cases/{n}/{action} with an Idempotency-Key, repeated (same key) while the answer is 503 or
 * the connection fails, at most `attempts` times: a retried action never happens twice. Resolves
 * with the last status.
 */
export async function caseAction(baseUrl: string, token: string, caseNumber: string, action: string, body: unknown, key: string, attempts = 5): Promise<number> {
  let status = 0;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const response = await fetch(`${baseUrl}/cases/${caseNumber}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      status = response.status;
      const retryAfter = Number(response.headers.get('retry-after') ?? '1');
      await response.arrayBuffer();
      if (status !== 503 && status !== 429) return status;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, Math.max(1, retryAfter)) * 1_000));
    } catch {
      status = 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  return status;
}

/** POST /cases once; the status (0: no answer) and how long the answer took. */
export async function tryOpenCase(baseUrl: string, token: string, title: string, key: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
      body: JSON.stringify({ title, description: 'Opened by npm run bench', channel: 'web' }),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}
