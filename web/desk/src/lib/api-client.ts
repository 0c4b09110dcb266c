import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../api/schema';
import { getToken, setToken } from './session';

/** RFC 9457 problem details, as every refusal of the API comes back. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly pointer?: string; readonly detail?: string }[];
  readonly context?: unknown;
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? 'The request failed');
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    request.headers.set('accept', 'application/json');
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked token: back to the sign-in page.
    if (response.status === 401 && getToken()) setToken(null);
    return response;
  },
};

/** The API, typed from /openapi.json (src/api/schema.d.ts, `npm run web:api-types`). */
// The API reads comma-separated lists (status=active,on_hold).
export const api = createClient<paths>({ baseUrl: window.location.origin, querySerializer: { array: { style: 'form', explode: false } } });
api.use(auth);

/** The data of an openapi-fetch answer, or an ApiProblem carrying the server's problem details. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const problem = (typeof result.error === 'object' && result.error !== null ? result.error : {}) as Problem;
    throw new ApiProblem({ status: result.response.status, ...problem });
  }
  return result.data as T;
}

/** A fresh Idempotency-Key: a retried click never acts twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/** Sign-in and "who am I" are outside the OpenAPI document (api/auth.ts): typed here. */
export interface Me {
  readonly userId: string;
  readonly role: 'customer' | 'agent' | 'supervisor' | 'admin' | 'operator';
  readonly displayName: string;
  readonly queueIds: readonly string[];
  readonly contactId: string | null;
  readonly accountId: string | null;
}

export async function signIn(username: string, password: string): Promise<void> {
  const response = await fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await response.json()) as { accessToken?: string } & Problem;
  if (!response.ok || !body.accessToken) throw new ApiProblem({ status: response.status, ...body });
  setToken(body.accessToken);
}

export async function fetchMe(): Promise<Me> {
  const response = await fetch('/auth/me', { headers: { authorization: `Bearer ${getToken() ?? ''}`, accept: 'application/json' } });
  if (response.status === 401) setToken(null);
  if (!response.ok) throw new ApiProblem({ status: response.status, ...((await response.json()) as Problem) });
  return (await response.json()) as Me;
}
