import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity, ChannelAccount } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import type { DirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import type { UserAccountStatus, UserAccountStatusRepository } from '../../db/repositories/user.repository';
import { findUnstorableText } from '../../domain/text';
import { jsonDepthExceeds, TOO_DEEP_DETAIL } from '../http/json-bounds';
import { sendBotProblem } from '../http/problem';
import { DirectLineStreams, parseWatermark } from './stream';
import { type DirectLineClaims, type DirectLineTokens, randomId } from './tokens';

/** Where the Direct Line 3.0 API lives, as on Azure's service. */
const BASE = '/v3/directline';

/** Channel id of the self-hosted Direct Line, as Azure's Direct Line: Web Chat and the bot treat it alike. */
export const DIRECT_LINE_CHANNEL_ID = 'directline';

/**
 * Whether a request's `Authorization` header belongs to a bot channel (a Direct Line token, the
 * connector token, a Bot Framework token on /api/messages) rather than to the REST API: the API's
 * authenticator must let these through untouched, the routes check them themselves. Token
 * generation is not among them: there the header, if any, is the caller's API token (signedInUser).
 */
export function usesChannelAuthorization(path: string, connectorPath = '/directline-connector'): boolean {
  if (path === '/api/messages') return true;
  if (path.startsWith(`${BASE}/`) && path !== `${BASE}/tokens/generate`) return true;
  return connectorPath !== '' && (path === connectorPath || path.startsWith(`${connectorPath}/`));
}

/** Who sent an activity, as this endpoint established it from the token. */
export interface DirectLineCaller {
  /** The signed-in caseflow user the token was issued to; undefined for an anonymous visitor. */
  readonly caseflowUserId: string | undefined;
}

/**
 * Hands a user's activity to the bot and resolves when the turn is over (replies already posted to
 * the connector). In the app: `(activity, caller) => adapter.processTrustedActivity(activity,
 * (context) => bot.run(context), caller.caseflowUserId)` (bot/adapter.ts).
 */
export type DeliverActivity = (activity: Activity, caller: DirectLineCaller) => Promise<void>;

export interface DirectLineDependencies {
  readonly tokens: DirectLineTokens;
  readonly transcripts: DirectLineTranscripts;
  /**
   * The signed-in caseflow user's account, asked on every call of a conversation bound to one: a
   * disabled account is refused at once (403), and the transcript names the user by the display
   * name it holds, never by what the client sends.
   */
  readonly accounts: Pick<UserAccountStatusRepository, 'findAccountStatus'>;
  readonly deliver: DeliverActivity;
  readonly logger: Logger;
  /**
   * Base URL of this app's connector, stamped as `serviceUrl` on every user activity, e.g.
   * `${PUBLIC_BASE_URL}/directline-connector`; its path is where the connector routes are served.
   * The bot adapter must know it too (createBotAdapter's selfHostedConnector).
   */
  readonly serviceUrl: string;
  /** The bot as the user sees it (`recipient` of user activities, `from` of replies). */
  readonly bot: { readonly id: string; readonly name: string };
  /** The signed-in caseflow user of a token request, if any (e.g. the API's authenticated actor). */
  readonly signedInUser?: (req: Request) => { readonly id: string; readonly name?: string } | undefined;
  /** Public base URL for stream URLs (ws:// or wss://); by default the request's own host. */
  readonly publicBaseUrl?: string;
  /** Lifetime of conversation tokens; default 30 minutes (Web Chat refreshes every 15). */
  readonly tokenTtlSeconds?: number;
  /** How often a websocket looks for activities stored by other processes; default 1 s. */
  readonly pollIntervalMs?: number;
}

export interface DirectLineHandle {
  /** Closes the websockets, so the HTTP server can close; call before closing the server. */
  close(): Promise<void>;
}

const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const STREAM_TOKEN_SECONDS = 5 * 60;
/** Activity types a client may send; the rest (conversationUpdate, invoke…) only the service itself makes. */
const CLIENT_ACTIVITY_TYPES = new Set(['message', 'event', 'typing', 'messageReaction']);
const MAX_TEXT = 10_000;

type ErrorCode = 'BadArgument' | 'TooLarge' | 'TokenMissing' | 'TokenInvalid' | 'TokenExpired' | 'Forbidden' | 'AccountDisabled' | 'NotFound' | 'BotError';

const PROBLEM_KINDS: Record<ErrorCode, { readonly slug: string; readonly title: string }> = {
  BadArgument: { slug: 'bad-request', title: 'Bad request' },
  TooLarge: { slug: 'too-large', title: 'Too large' },
  TokenMissing: { slug: 'unauthorized', title: 'Direct Line token required' },
  TokenInvalid: { slug: 'unauthorized', title: 'Direct Line token not valid' },
  TokenExpired: { slug: 'forbidden', title: 'Direct Line token expired' },
  Forbidden: { slug: 'forbidden', title: 'Not allowed' },
  AccountDisabled: { slug: 'account-disabled', title: 'Account disabled' },
  NotFound: { slug: 'not-found', title: 'Not found' },
  BotError: { slug: 'bad-gateway', title: 'The bot failed' },
};

/**
 * A refusal as problem+json (RFC 9457), carrying Direct Line's APIError `{ error: { code, message } }`
 * as an extension member, so Web Chat and the Direct Line clients read it as they read Azure's.
 */
function fail(res: Response, status: number, code: ErrorCode, message: string): void {
  if (status === 401) res.header('www-authenticate', 'Bearer realm="directline"');
  const kind = PROBLEM_KINDS[code];
  sendBotProblem(res, { status, slug: kind.slug, title: kind.title, detail: message, extension: { error: { code, message } } });
}

const ACCOUNT_DISABLED_MESSAGE = 'your caseflow account is disabled: this chat is closed. Please contact your caseflow administrator';
/** Largest activity a client may store, in bytes of JSON (text is at most 10,000 characters). */
const MAX_ACTIVITY_BYTES = 64 * 1024;

/** A body nested too deeply is refused before any route looks at it (every Direct Line and connector POST). */
function refuseDeepBody(req: Request, res: Response): boolean {
  if (!jsonDepthExceeds(req.body)) return false;
  fail(res, 400, 'BadArgument', TOO_DEEP_DETAIL);
  return true;
}

/** The name an anonymous visitor chose, marked so nobody takes it for a verified one ("Gina Agent (unverified)"). */
export const UNVERIFIED_SUFFIX = ' (unverified)';

function unverifiedName(clientName: unknown): string | undefined {
  if (typeof clientName !== 'string') return undefined;
  const name = clientName.replace(/\s+/g, ' ').trim().slice(0, 100);
  if (name === '') return undefined;
  return name.endsWith(UNVERIFIED_SUFFIX.trim()) ? name : `${name}${UNVERIFIED_SUFFIX}`;
}

function bearerToken(req: Request): string | undefined {
  return /^Bearer[ ]+(\S+)[ ]*$/i.exec(req.header('authorization') ?? '')?.[1];
}

function activityId(conversationId: string, watermark: number): string {
  return `${conversationId}|${String(watermark).padStart(7, '0')}`;
}

function param(req: Request, name: string): string | undefined {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function queryWatermark(req: Request): number {
  const value = (req.query as Record<string, unknown> | undefined)?.watermark;
  return parseWatermark(typeof value === 'string' ? value : undefined);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A Direct Line 3.0–compatible endpoint for Bot Framework Web Chat, served by the app itself, and
 * the subset of the Bot Framework Connector API the bot adapter calls to answer (at `serviceUrl`):
 *
 * - `POST /v3/directline/tokens/generate`: a token for a new conversation, bound to the signed-in
 *   caseflow user when there is one (signedInUser), to an anonymous `dl_…` user otherwise.
 * - `POST /v3/directline/tokens/refresh`: the same claims, a new expiry.
 * - `POST /v3/directline/conversations`: starts the token's conversation (the bot receives a
 *   conversationUpdate once); `GET /v3/directline/conversations/:id`: a new stream URL (reconnect).
 * - `POST /v3/directline/conversations/:id/activities`: from the user; stored, then delivered.
 * - `GET /v3/directline/conversations/:id/activities?watermark=`: what came after the watermark.
 * - websocket at the stream URL: `{ activities, watermark }` as they come (stream.ts).
 * - `POST <serviceUrl path>/v3/conversations/:id/activities[/:replyToId]`: the bot's activities.
 *
 * Every Direct Line call needs `Authorization: Bearer <token>` of its conversation (401 without a
 * valid token, 403 for an expired one or another conversation's, 403 when the signed-in user's
 * account is disabled); connector calls need the token only the adapter's credentials make
 * (directLineConnectorCredentials), for that conversation. Refusals are problem+json with Direct
 * Line's `error` member. The server must parse JSON bodies (createApiServer's bodyParser does).
 */
export function registerDirectLine(server: Server, deps: DirectLineDependencies): DirectLineHandle {
  const { tokens, transcripts, logger } = deps;
  const ttl = deps.tokenTtlSeconds ?? 30 * 60;
  const appended = new EventEmitter().setMaxListeners(0);
  const isDisabled = async (caseflowUserId: string): Promise<boolean> => (await deps.accounts.findAccountStatus(caseflowUserId))?.disabled === true;
  const streams = new DirectLineStreams({ tokens, transcripts, logger, appended, pollIntervalMs: deps.pollIntervalMs ?? 1_000, isDisabled });
  const botAccount: ChannelAccount = { id: deps.bot.id, name: deps.bot.name, role: 'bot' };
  const connectorPath = new URL(deps.serviceUrl).pathname.replace(/\/+$/, '');

  /** The token's claims when it is a valid conversation token (for this conversation, if given); otherwise answers and returns undefined. */
  function verifyToken(req: Request, res: Response, conversationId?: string): DirectLineClaims | undefined {
    const token = bearerToken(req);
    if (!token) {
      fail(res, 401, 'TokenMissing', 'send "Authorization: Bearer <token>" (POST /v3/directline/tokens/generate)');
      return undefined;
    }
    const check = tokens.verify(token, 'conversation');
    if (!check.ok) {
      if (check.reason === 'expired') fail(res, 403, 'TokenExpired', 'the token has expired: get a new one');
      else fail(res, 401, 'TokenInvalid', 'the token is not valid');
      return undefined;
    }
    if (conversationId !== undefined && check.claims.conv !== conversationId) {
      fail(res, 403, 'Forbidden', 'the token is for another conversation');
      return undefined;
    }
    return check.claims;
  }

  /**
   * verifyToken, then the signed-in user's account, asked afresh on every call: a disabled account
   * is refused (403) at once, not when its token expires. `account` is undefined for an anonymous
   * visitor, and for a user who no longer exists (the conversation then carries on unbound).
   */
  async function authorize(req: Request, res: Response, conversationId?: string): Promise<{ claims: DirectLineClaims; account: UserAccountStatus | undefined } | undefined> {
    const claims = verifyToken(req, res, conversationId);
    if (!claims) return undefined;
    const account = claims.caseflowUserId ? await deps.accounts.findAccountStatus(claims.caseflowUserId) : undefined;
    if (account?.disabled) {
      logger.info({ conversationId: claims.conv }, 'refused a Direct Line call of a disabled account');
      fail(res, 403, 'AccountDisabled', ACCOUNT_DISABLED_MESSAGE);
      return undefined;
    }
    return { claims, account };
  }

  function streamUrl(req: Request, claims: DirectLineClaims, watermark: number): string {
    const base = new URL(deps.publicBaseUrl ?? `${req.isSecure() ? 'https' : 'http'}://${req.header('host') || 'localhost'}`);
    const url = new URL(`${base.pathname.replace(/\/+$/, '')}${BASE}/conversations/${claims.conv}/stream`, base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('watermark', watermark > 0 ? String(watermark) : '-');
    // The user rides along, so the stream can stop serving a disabled account (stream.ts).
    const streamClaims = { scope: 'stream' as const, conv: claims.conv, ...(claims.caseflowUserId ? { caseflowUserId: claims.caseflowUserId } : {}) };
    url.searchParams.set('t', tokens.issue(streamClaims, STREAM_TOKEN_SECONDS));
    return url.toString();
  }

  function conversationBody(req: Request, claims: DirectLineClaims, token: string, watermark: number) {
    return { conversationId: claims.conv, token, expires_in: tokens.secondsLeft(claims), streamUrl: streamUrl(req, claims, watermark) };
  }

  /**
   * The user as the transcript names them: a signed-in user by the display name caseflow holds now
   * (the token's, if the account is gone); an anonymous visitor by the name their client sent,
   * suffixed " (unverified)" and flagged `properties.unverified`, so an agent reading the transcript
   * never takes "Gina Agent (support staff)" for Gina.
   */
  function userAccount(claims: DirectLineClaims, account: UserAccountStatus | undefined, clientName: unknown): ChannelAccount {
    const user = { id: claims.user ?? '', role: 'user' };
    // ChannelAccount types `name` as required; channels leave it out when they do not know it.
    if (claims.caseflowUserId) {
      const name = account?.displayName ?? claims.name;
      return { ...user, ...(name ? { name } : {}) } as ChannelAccount;
    }
    const name = unverifiedName(clientName);
    return { ...user, ...(name ? { name, properties: { unverified: true } } : {}) } as ChannelAccount;
  }

  function caller(claims: DirectLineClaims): DirectLineCaller {
    return { caseflowUserId: claims.caseflowUserId };
  }

  registerTokenRoutes(server, deps, ttl, authorize, isDisabled);

  server.post(`${BASE}/conversations`, async (req, res) => {
    if (refuseDeepBody(req, res)) return;
    const authorized = await authorize(req, res);
    if (!authorized) return;
    const { claims, account } = authorized;
    if (!claims.conv || !claims.user) return fail(res, 401, 'TokenInvalid', 'the token is not valid');
    const { created } = await transcripts.start({ id: claims.conv, chatUserId: claims.user, caseflowUserId: claims.caseflowUserId ?? null });
    if (created) {
      // As Azure's Direct Line does: the bot learns of the conversation (and can greet) before the first message.
      const user = userAccount(claims, account, undefined);
      const update: Activity = {
        type: 'conversationUpdate',
        id: `${claims.conv}|start`,
        timestamp: new Date(),
        channelId: DIRECT_LINE_CHANNEL_ID,
        serviceUrl: deps.serviceUrl,
        conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
        from: user,
        recipient: botAccount,
        membersAdded: [botAccount, user],
      } as Activity;
      try {
        await deps.deliver(update, caller(claims));
      } catch (err) {
        logger.warn({ err, conversationId: claims.conv }, 'the bot failed on the start of a Direct Line conversation');
      }
    }
    res.header('cache-control', 'no-store');
    res.send(created ? 201 : 200, conversationBody(req, claims, bearerToken(req) ?? '', 0));
  });

  server.get(`${BASE}/conversations/:conversationId`, async (req, res) => {
    const conversationId = param(req, 'conversationId') ?? '';
    const authorized = await authorize(req, res, conversationId);
    if (!authorized) return;
    if (!(await transcripts.find(conversationId))) return fail(res, 404, 'NotFound', 'no such conversation');
    res.header('cache-control', 'no-store');
    res.send(200, conversationBody(req, authorized.claims, bearerToken(req) ?? '', queryWatermark(req)));
  });

  server.get(`${BASE}/conversations/:conversationId/activities`, async (req, res) => {
    const conversationId = param(req, 'conversationId') ?? '';
    if (!(await authorize(req, res, conversationId))) return;
    const page = await transcripts.after(conversationId, queryWatermark(req));
    if (!page) return fail(res, 404, 'NotFound', 'no such conversation');
    res.header('cache-control', 'no-store');
    res.send(200, { activities: page.activities, watermark: String(page.watermark) });
  });

  server.post(`${BASE}/conversations/:conversationId/activities`, async (req, res) => {
    const conversationId = param(req, 'conversationId') ?? '';
    if (refuseDeepBody(req, res)) return;
    const authorized = await authorize(req, res, conversationId);
    if (!authorized) return;
    const { claims, account } = authorized;
    const body: unknown = req.body;
    if (!isRecord(body) || typeof body.type !== 'string' || !CLIENT_ACTIVITY_TYPES.has(body.type)) {
      return fail(res, 400, 'BadArgument', `the body must be an activity of type ${[...CLIENT_ACTIVITY_TYPES].join(', ')}`);
    }
    if (body.text !== undefined && (typeof body.text !== 'string' || body.text.length > MAX_TEXT)) {
      return fail(res, 400, 'BadArgument', `text must be a string of at most ${MAX_TEXT} characters`);
    }
    // Everything that says who and where comes from the token and the service, never from the client.
    const { id: _id, timestamp: _timestamp, from, conversation: _conversation, recipient: _recipient, channelId: _channelId, serviceUrl: _serviceUrl, callerId: _callerId, ...content } = body;
    if (Buffer.byteLength(JSON.stringify(content)) > MAX_ACTIVITY_BYTES) {
      return fail(res, 413, 'TooLarge', `the activity must be at most ${MAX_ACTIVITY_BYTES / 1024} kB of JSON`);
    }
    // The transcript is jsonb: a NUL or half a surrogate pair would fail the write (it was a 500).
    const unstorable = findUnstorableText({ ...content, from });
    if (unstorable) return fail(res, 400, 'BadArgument', `${unstorable.field} ${unstorable.problem}: remove it and send the message again`);
    const stored = await transcripts.append(conversationId, (watermark) => ({
      ...content,
      type: body.type,
      id: activityId(conversationId, watermark),
      timestamp: new Date().toISOString(),
      channelId: DIRECT_LINE_CHANNEL_ID,
      conversation: { id: conversationId },
      from: userAccount(claims, account, isRecord(from) ? from.name : undefined),
      recipient: botAccount,
    }) as unknown as Activity);
    if (!stored) return fail(res, 404, 'NotFound', 'no such conversation: start it with POST /v3/directline/conversations');
    appended.emit(conversationId);
    try {
      await deps.deliver({ ...stored, serviceUrl: deps.serviceUrl }, caller(claims));
    } catch (err) {
      logger.error({ err, conversationId }, 'the bot could not take a Direct Line activity');
      return fail(res, 502, 'BotError', 'the bot could not process the activity');
    }
    res.send(200, { id: stored.id });
  });

  registerConnector(server, connectorPath, { tokens, transcripts, botAccount, appended });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (streams.handleUpgrade(req, socket, head)) return;
    // Not a stream URL: another upgrade listener's, or nobody's (then answer, rather than leave the socket hanging).
    if (server.server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
  server.server.on('upgrade', onUpgrade);

  return {
    async close() {
      server.server.off('upgrade', onUpgrade);
      await streams.close();
    },
  };
}

type Authorize = (req: Request, res: Response) => Promise<{ claims: DirectLineClaims } | undefined>;

/** Tokens: a new conversation's (bound to the signed-in caseflow user, if any), and a refreshed one; never for a disabled account. */
function registerTokenRoutes(
  server: Server,
  deps: Pick<DirectLineDependencies, 'tokens' | 'signedInUser'>,
  ttl: number,
  authorize: Authorize,
  isDisabled: (caseflowUserId: string) => Promise<boolean>,
): void {
  server.post(`${BASE}/tokens/generate`, async (req, res) => {
    if (refuseDeepBody(req, res)) return;
    const user = deps.signedInUser?.(req);
    // The API's authenticator already refuses a disabled account's bearer token; this holds whatever signedInUser is.
    if (user && (await isDisabled(user.id))) return fail(res, 403, 'AccountDisabled', ACCOUNT_DISABLED_MESSAGE);
    const conversationId = randomId();
    const claims = {
      scope: 'conversation' as const,
      conv: conversationId,
      user: user ? `dl_${user.id}` : `dl_${randomId(12)}`,
      ...(user ? { caseflowUserId: user.id } : {}),
      ...(user?.name ? { name: user.name } : {}),
    };
    res.header('cache-control', 'no-store');
    res.send(200, { conversationId, token: deps.tokens.issue(claims, ttl), expires_in: ttl });
  });

  server.post(`${BASE}/tokens/refresh`, async (req, res) => {
    if (refuseDeepBody(req, res)) return;
    const authorized = await authorize(req, res);
    if (!authorized) return;
    const { scope, conv, user, caseflowUserId, name } = authorized.claims;
    const renewed = { scope, conv, user, ...(caseflowUserId ? { caseflowUserId } : {}), ...(name ? { name } : {}) };
    res.header('cache-control', 'no-store');
    res.send(200, { conversationId: conv, token: deps.tokens.issue(renewed, ttl), expires_in: ttl });
  });
}

/** The Connector API subset the adapter calls for replies (sendToConversation, replyToActivity). */
function registerConnector(
  server: Server,
  connectorPath: string,
  { tokens, transcripts, botAccount, appended }: { tokens: DirectLineTokens; transcripts: DirectLineTranscripts; botAccount: ChannelAccount; appended: EventEmitter },
): void {
  const receiveFromBot = async (req: Request, res: Response): Promise<void> => {
    const token = bearerToken(req);
    const check = token ? tokens.verify(token, 'connector') : undefined;
    if (!check?.ok) return fail(res, 401, 'TokenInvalid', 'the connector needs the bot adapter\'s token');
    const conversationId = param(req, 'conversationId') ?? '';
    // Each connector token names the one conversation it may write to (directLineConnectorCredentials).
    if (check.claims.conv !== conversationId) return fail(res, 403, 'Forbidden', 'the connector token is for another conversation');
    if (refuseDeepBody(req, res)) return;
    const body: unknown = req.body;
    if (!CONVERSATION_ID.test(conversationId) || !isRecord(body) || typeof body.type !== 'string') return fail(res, 400, 'BadArgument', 'the body must be an activity');
    const replyToId = param(req, 'replyToId') ?? body.replyToId;
    const { id: _id, timestamp: _timestamp, serviceUrl: _serviceUrl, conversation: _conversation, channelId: _channelId, from, ...content } = body;
    const stored = await transcripts.append(conversationId, (watermark) => ({
      ...content,
      id: activityId(conversationId, watermark),
      timestamp: new Date().toISOString(),
      channelId: DIRECT_LINE_CHANNEL_ID,
      conversation: { id: conversationId },
      from: { ...botAccount, ...(isRecord(from) ? from : {}), role: 'bot' },
      ...(typeof replyToId === 'string' ? { replyToId } : {}),
    }) as unknown as Activity);
    if (!stored) return fail(res, 404, 'NotFound', 'no such conversation');
    appended.emit(conversationId);
    res.send(200, { id: stored.id });
  };
  server.post(`${connectorPath}/v3/conversations/:conversationId/activities`, receiveFromBot);
  server.post(`${connectorPath}/v3/conversations/:conversationId/activities/:replyToId`, receiveFromBot);
}
