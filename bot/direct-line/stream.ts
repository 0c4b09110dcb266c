import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import type { DirectLineTokens } from './tokens';

/** `/v3/directline/conversations/<id>/stream`, the path of every stream URL this endpoint hands out. */
export const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,64})\/stream$/;

export interface StreamOptions {
  readonly tokens: DirectLineTokens;
  readonly transcripts: DirectLineTranscripts;
  readonly logger: Logger;
  /** New activities stored by this process, by conversation id: pushed at once. */
  readonly appended: EventEmitter;
  /** Activities stored by other processes reach a socket within this interval. */
  readonly pollIntervalMs: number;
  /** Whether the signed-in caseflow user of a stream has been disabled: asked before each push. */
  readonly isDisabled: (caseflowUserId: string) => Promise<boolean>;
}

/** Close code for a stream whose account was disabled: policy violation (RFC 6455), so clients do not just reconnect quietly. */
export const ACCOUNT_DISABLED_CLOSE_CODE = 1008;

/** Interval of websocket pings; a socket that has not answered the previous one is dropped. */
const HEARTBEAT_MS = 30_000;

/**
 * The websocket half of Direct Line 3.0: each socket receives `{ activities, watermark }` for every
 * activity of its conversation after the watermark in its URL (from the start when there is none).
 * Activities stored by this process are pushed as they are stored; those stored by another process
 * (a bot reply that reached another server behind the load balancer) are picked up by polling the
 * transcript, so any process can serve any socket. The stream of a signed-in user whose account has
 * been disabled is closed (1008) when it next has something to push, the activity unsent.
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sessions = new Set<StreamSession>();

  constructor(private readonly options: StreamOptions) {}

  /** Handles an HTTP upgrade for a stream URL; false when the path is not a stream path (not ours). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) return false;
    const conversationId = match[1] as string;
    const token = url.searchParams.get('t') ?? '';
    const check = this.options.tokens.verify(token, 'stream');
    if (!check.ok || check.claims.conv !== conversationId) {
      // Like the HTTP API: a token for another conversation or an expired one is 403, anything else 401.
      refuse(socket, check.ok || check.reason === 'expired' ? 403 : 401);
      return true;
    }
    const watermark = parseWatermark(url.searchParams.get('watermark'));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new StreamSession(ws, conversationId, check.claims.caseflowUserId, watermark, this.options, () => this.sessions.delete(session));
      this.sessions.add(session);
      session.start();
    });
    return true;
  }

  /** Closes every socket (code 1001, going away): clients reconnect to another process. */
  async close(): Promise<void> {
    for (const session of this.sessions) session.stop(1001, 'server shutting down');
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** '' or '-' (Direct Line's "from the start") or junk: 0. */
export function parseWatermark(value: string | null | undefined): number {
  if (!value) return 0;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

function refuse(socket: Duplex, status: 401 | 403): void {
  const text = status === 401 ? 'Unauthorized' : 'Forbidden';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

class StreamSession {
  private flushing = false;
  private again = false;
  private alive = true;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onAppended = (): void => this.flush();

  constructor(
    private readonly ws: WebSocket,
    private readonly conversationId: string,
    /** The signed-in caseflow user the conversation belongs to; undefined for an anonymous visitor. */
    private readonly caseflowUserId: string | undefined,
    private watermark: number,
    private readonly options: StreamOptions,
    private readonly onEnd: () => void,
  ) {}

  start(): void {
    this.options.appended.on(this.conversationId, this.onAppended);
    this.timers.push(setInterval(() => this.flush(), this.options.pollIntervalMs));
    this.timers.push(
      setInterval(() => {
        if (!this.alive) {
          this.ws.terminate();
          return;
        }
        this.alive = false;
        this.ws.ping();
      }, HEARTBEAT_MS),
    );
    for (const timer of this.timers) timer.unref();
    this.ws.on('pong', () => {
      this.alive = true;
    });
    // Web Chat sends empty messages as keep-alives; the stream is one-way, so messages are ignored.
    this.ws.on('message', () => {
      this.alive = true;
    });
    this.ws.on('close', () => this.stop());
    this.ws.on('error', (err) => {
      this.options.logger.debug({ err, conversationId: this.conversationId }, 'Direct Line stream error');
      this.stop();
    });
    this.flush();
  }

  stop(code?: number, reason?: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.appended.off(this.conversationId, this.onAppended);
    for (const timer of this.timers) clearInterval(timer);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      if (code) this.ws.close(code, reason);
      else this.ws.terminate();
    }
    this.onEnd();
  }

  /** Sends what is newer than the watermark; one flush at a time, and one more if asked meanwhile. */
  private flush(): void {
    if (this.stopped) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    this.drain()
      .catch((err: unknown) => this.options.logger.warn({ err, conversationId: this.conversationId }, 'Direct Line stream could not read the transcript'))
      .finally(() => {
        this.flushing = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.flush();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.again = false;
      const page = await this.options.transcripts.after(this.conversationId, this.watermark);
      if (this.stopped) return;
      if (!page) {
        this.stop(1011, 'conversation not found');
        return;
      }
      if (page.activities.length === 0) return;
      // A disabled account is served no further activity: its socket closes on the next one.
      if (this.caseflowUserId && (await this.options.isDisabled(this.caseflowUserId))) {
        this.options.logger.info({ conversationId: this.conversationId }, 'closed the Direct Line stream of a disabled account');
        this.stop(ACCOUNT_DISABLED_CLOSE_CODE, 'account disabled');
        return;
      }
      if (this.stopped) return;
      this.ws.send(JSON.stringify({ activities: page.activities, watermark: String(page.watermark) }));
      this.watermark = page.watermark;
    }
  }
}
