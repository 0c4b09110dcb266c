import type { BotMode } from './adapter';

/**
 * Where the bot may send messages. A channel names its Connector service in each activity's
 * `serviceUrl`, and the bot POSTs its replies there: unchecked, anyone who can reach /api/messages
 * could make the bot send requests wherever they like (another port on this machine, or the app's
 * own Direct Line connector and so another user's chat). One list, used in every mode:
 *
 * - the app's own origin (its Direct Line connector), always: proactive messages to Web Chat users;
 *   but an activity arriving at /api/messages may never name it (acceptsInboundServiceUrl);
 * - BOT_ALLOWED_SERVICE_URLS when set (comma-separated entries), otherwise by mode:
 *   production: the Bot Framework's channels, `https://*.botframework.com` and Teams'
 *   `https://smba.trafficmanager.net`; development and test: the same, plus the Bot Framework
 *   Emulator's default `http://localhost:*` (it listens on a random port of localhost). Other
 *   loopback addresses (`http://127.0.0.1:*`) only when configured.
 *
 * An entry is an origin (`https://directline.example.com`, `http://127.0.0.1:3000`), optionally with
 * a wildcard for one or more leading host labels (`https://*.botframework.com`) or for the port
 * (`http://localhost:*`), and optionally a trailing `/` or `/*` (paths are not compared). User info,
 * other schemes and non-default ports (unless the entry names them) never match.
 */
export const PRODUCTION_SERVICE_URLS: readonly string[] = ['https://*.botframework.com', 'https://smba.trafficmanager.net'];
export const EMULATOR_SERVICE_URL = 'http://localhost:*';

export function isAllowedServiceUrl(url: string | undefined | null, allowList: readonly string[]): boolean {
  const parsed = parseServiceUrl(url);
  return parsed !== undefined && allowList.some((entry) => matchesEntry(parsed, entry));
}

function parseServiceUrl(url: string | undefined | null): URL | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  return parsed;
}

const ENTRY = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?(?:\/|\/\*)?$/i;

/** Whether an entry of BOT_ALLOWED_SERVICE_URLS is well formed (config.ts refuses the others). */
export function isServiceUrlEntry(entry: string): boolean {
  return ENTRY.test(entry.trim());
}

function matchesEntry(url: URL, entry: string): boolean {
  const match = ENTRY.exec(entry.trim());
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match as unknown as [string, string, string | undefined, string, string | undefined];
  if (url.protocol !== `${scheme.toLowerCase()}:`) return false;
  if (port !== '*') {
    // URL leaves the default port of the scheme empty; compare through URL so both sides agree.
    const expected = new URL(`${scheme}://example.invalid${port ? `:${port}` : ''}`).port;
    if (url.port !== expected) return false;
  }
  const hostname = url.hostname.toLowerCase();
  const allowed = host.toLowerCase();
  if (!wildcard) return hostname === allowed;
  return hostname.endsWith(`.${allowed}`) && hostname.length > allowed.length + 1;
}

/** The allow list: the app's own origin, then `configured` (BOT_ALLOWED_SERVICE_URLS) or the mode's defaults. */
export function defaultServiceUrlAllowList(mode: BotMode, ownBaseUrl: string, configured?: readonly string[]): string[] {
  const own = new URL(ownBaseUrl).origin;
  if (configured && configured.length > 0) return [own, ...configured];
  if (mode === 'production') return [own, ...PRODUCTION_SERVICE_URLS];
  return [own, ...PRODUCTION_SERVICE_URLS, EMULATOR_SERVICE_URL];
}

/**
 * Whether /api/messages may take an activity with this serviceUrl: on the list, and not the app's own
 * origin. Only the Direct Line endpoint's own processing (processTrustedActivity) answers through the
 * self-hosted connector; a channel's activity naming it would write into whichever Direct Line
 * conversation it named.
 */
export function acceptsInboundServiceUrl(url: string | undefined | null, allowList: readonly string[], ownBaseUrl: string): boolean {
  const parsed = parseServiceUrl(url);
  if (!parsed || parsed.origin === new URL(ownBaseUrl).origin) return false;
  return isAllowedServiceUrl(url, allowList);
}
