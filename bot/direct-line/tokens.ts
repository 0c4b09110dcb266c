import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens of the self-hosted Direct Line: compact JWTs (HS256) signed with a key derived from the
 * secret the app passes in. A JWT because Web Chat reads the `user` claim from a Direct Line token
 * (jwt-decode) to know which user it speaks for; its signature is what binds a token to one
 * conversation and one user, so the browser can neither pick another conversation nor another user.
 *
 * - `conversation`: what the browser holds (Authorization: Bearer) for one conversation.
 * - `stream`: short-lived, in the websocket URL only (browsers cannot set headers on a websocket).
 * - `connector`: what the bot adapter sends to this app's connector endpoint with every reply.
 */
export type DirectLineTokenScope = 'conversation' | 'stream' | 'connector';

export interface DirectLineClaims {
  readonly scope: DirectLineTokenScope;
  /** Conversation id (conversation and stream tokens). */
  readonly conv?: string;
  /** The user's id on the channel (`from.id`); Web Chat reads this claim. */
  readonly user?: string;
  /** The signed-in caseflow user, when the token was issued to one. */
  readonly caseflowUserId?: string;
  /** Display name of the user, when known. */
  readonly name?: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: DirectLineClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'signature' | 'expired' | 'scope' };

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const ISSUER = 'caseflow-directline';

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** An id that is hard to guess and safe in a URL path and a storage key: [A-Za-z0-9_-]. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export class DirectLineTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 32) throw new Error('the Direct Line secret must be at least 32 characters');
    // A key of its own, so the secret may be shared with other features without tokens crossing over.
    this.key = createHmac('sha256', secret).update('caseflow/directline/token/v1').digest();
  }

  issue(claims: Omit<DirectLineClaims, 'iat' | 'exp'>, ttlSeconds: number): string {
    const iat = Math.floor(this.now() / 1000);
    const payload = base64url(JSON.stringify({ iss: ISSUER, ...claims, iat, exp: iat + ttlSeconds }));
    return `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`;
  }

  verify(token: string, scope: DirectLineTokenScope): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
    let claims: DirectLineClaims & { iss?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DirectLineClaims & { iss?: unknown };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.iss !== ISSUER || typeof claims.exp !== 'number') return { ok: false, reason: 'malformed' };
    if (claims.exp * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    if (claims.scope !== scope) return { ok: false, reason: 'scope' };
    return { ok: true, claims };
  }

  /** Seconds until the token expires (for `expires_in`), assuming it is valid. */
  secondsLeft(claims: DirectLineClaims): number {
    return Math.max(0, claims.exp - Math.floor(this.now() / 1000));
  }

  private sign(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}

/** What botbuilder's ConnectorClient calls to sign a request (ServiceClientCredentials). */
export interface RequestSigner {
  signRequest<R extends { url: string; headers: { set(name: string, value: string): void } }>(request: R): Promise<R>;
}

/** Lifetime of a connector token: each reply gets a fresh one, so it only has to outlive one request. */
const CONNECTOR_TOKEN_SECONDS = 5 * 60;

/** The conversation a Connector API request writes to: `…/v3/conversations/{id}/activities[/{replyToId}]`. */
const CONNECTOR_REQUEST = /\/v3\/conversations\/([^/?#]+)\/activities(?:\/[^/?#]*)?(?:[?#]|$)/;

/**
 * Credentials for the bot adapter's calls to this app's connector endpoint: a fresh connector-scope
 * token on every request, in place of the Microsoft Entra token the adapter would fetch for a
 * Bot Framework channel, so replies need no cloud service even when app credentials are set. Each
 * token names the one conversation its request writes to, and the connector checks it, so a token
 * seen once opens no other conversation. Only the adapter's trusted paths (Direct Line turns,
 * proactive messages to stored Direct Line references) get these credentials: /api/messages never
 * does (bot/adapter.ts).
 */
export function directLineConnectorCredentials(tokens: DirectLineTokens): RequestSigner {
  return {
    signRequest(request) {
      const encoded = CONNECTOR_REQUEST.exec(new URL(request.url).pathname)?.[1];
      if (!encoded) return Promise.reject(new Error('the self-hosted connector only takes activities posted to a conversation'));
      const conv = decodeURIComponent(encoded);
      request.headers.set('authorization', `Bearer ${tokens.issue({ scope: 'connector', conv }, CONNECTOR_TOKEN_SECONDS)}`);
      return Promise.resolve(request);
    },
  };
}
