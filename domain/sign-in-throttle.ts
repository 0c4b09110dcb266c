/**
 * How failed sign-ins lock an account name and a client address: pure rules over a small counter,
 * so every process can apply them to the same row in the database (services/sign-in-guard.ts).
 *
 * An account name locks after `accountMaxFailures` failures in a row, for `lockSeconds`, doubling
 * with each further failure up to `lockMaxSeconds`; a success clears it. The name need not exist:
 * unknown names lock alike, so a lock says nothing about who has an account. An address locks once
 * it has `addressMaxFailures` failures within a fixed window of `addressWindowSeconds`, until the
 * window ends, whatever names it tries.
 *
 * Why not rate-limiter-flexible's RateLimiterPostgres: the back-off that doubles per failure, the
 * count taken before the password check and handed back on success, and one transaction for both
 * counters would each be built around it anyway; these rules are a few pure functions, unit-tested.
 */

export interface SignInLimits {
  /** Failures in a row after which an account name locks. */
  readonly accountMaxFailures: number;
  /** The first lock; each further failure doubles it. */
  readonly lockSeconds: number;
  /** The longest lock. */
  readonly lockMaxSeconds: number;
  /** Failures from one address within a window after which it locks. */
  readonly addressMaxFailures: number;
  readonly addressWindowSeconds: number;
}

/** An account name's failures in a row are forgotten after a day without one. */
export const ACCOUNT_FAILURES_FORGOTTEN_AFTER_SECONDS = 24 * 60 * 60;

/** The counter behind one account name or one address. */
export interface ThrottleState {
  readonly failures: number;
  /** Account: the latest failure; address: the start of the current window. */
  readonly since: Date;
  readonly lockedUntil: Date | null;
  /** After this instant the state counts for nothing (and the row may be deleted). */
  readonly forgetAt: Date;
}

const addSeconds = (at: Date, seconds: number): Date => new Date(at.getTime() + seconds * 1000);
const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** The state as it counts at `now`: nothing once forgotten. */
function live(state: ThrottleState | undefined, now: Date): ThrottleState | undefined {
  return state && state.failures > 0 && state.forgetAt.getTime() > now.getTime() ? state : undefined;
}

/** Until when the state refuses every attempt; null when it does not. */
export function lockedUntil(state: ThrottleState | undefined, now: Date): Date | null {
  const until = live(state, now)?.lockedUntil;
  return until && until.getTime() > now.getTime() ? until : null;
}

/** Whole seconds to wait until `until`, at least 1 (the value of a Retry-After header). */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** How long the account locks after its `failures`-th failure in a row (0: not locked). */
export function accountLockSeconds(failures: number, limits: SignInLimits): number {
  if (failures < limits.accountMaxFailures) return 0;
  const doublings = Math.min(failures - limits.accountMaxFailures, 30);
  return Math.min(limits.lockSeconds * 2 ** doublings, limits.lockMaxSeconds);
}

/** One more failure of an account name at `now`. */
export function countAccountFailure(state: ThrottleState | undefined, now: Date, limits: SignInLimits): ThrottleState {
  const failures = (live(state, now)?.failures ?? 0) + 1;
  const lockSeconds = accountLockSeconds(failures, limits);
  const locked = lockSeconds > 0 ? addSeconds(now, lockSeconds) : null;
  const forgetAt = addSeconds(now, ACCOUNT_FAILURES_FORGOTTEN_AFTER_SECONDS);
  return { failures, since: now, lockedUntil: locked, forgetAt: locked ? later(forgetAt, locked) : forgetAt };
}

/** One more failure from an address at `now`: in the current window, or the first of a new one. */
export function countAddressFailure(state: ThrottleState | undefined, now: Date, limits: SignInLimits): ThrottleState {
  const current = live(state, now);
  return addressState((current?.failures ?? 0) + 1, current?.since ?? now, limits);
}

/**
 * Takes back one failure counted from an address before the outcome was known (the attempt
 * succeeded, or was refused by the account's lock without a password check).
 */
export function refundAddressFailure(state: ThrottleState | undefined, now: Date, limits: SignInLimits): ThrottleState | undefined {
  const current = live(state, now);
  if (!current) return undefined;
  return addressState(current.failures - 1, current.since, limits);
}

function addressState(failures: number, since: Date, limits: SignInLimits): ThrottleState {
  const windowEnd = addSeconds(since, limits.addressWindowSeconds);
  return { failures, since, lockedUntil: failures >= limits.addressMaxFailures ? windowEnd : null, forgetAt: windowEnd };
}

/**
 * The key an address is counted under: an IPv4 address as it is (also when IPv4-mapped), an IPv6
 * address by its /64 prefix, since one subscriber usually holds a whole /64.
 */
export function addressKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const address = remoteAddress.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const groups = expandIpv6(address.split('%')[0]!);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

/** The eight groups of an IPv6 address, without leading zeros; undefined when it is not one. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => group.replace(/^0+(?=.)/, ''));
}
