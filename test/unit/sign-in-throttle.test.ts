import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_FAILURES_FORGOTTEN_AFTER_SECONDS,
  accountLockSeconds,
  addressKey,
  countAccountFailure,
  countAddressFailure,
  lockedUntil,
  refundAddressFailure,
  secondsUntil,
  type SignInLimits,
  type ThrottleState,
} from '../../domain/sign-in-throttle';

const LIMITS: SignInLimits = { accountMaxFailures: 5, lockSeconds: 60, lockMaxSeconds: 900, addressMaxFailures: 30, addressWindowSeconds: 900 };
const T0 = new Date('2026-11-29T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** `n` account failures, one second apart from `start`. */
function accountFailures(n: number, start = 0, from?: ThrottleState): ThrottleState | undefined {
  let state = from;
  for (let i = 0; i < n; i += 1) state = countAccountFailure(state, at(start + i), LIMITS);
  return state;
}

describe('account lock', () => {
  it('locks after the fifth failure in a row for a minute, doubling up to fifteen minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => accountLockSeconds(n, LIMITS))).toEqual([0, 0, 0, 0, 60, 120, 240, 480, 900, 900, 900]);
    expect(lockedUntil(accountFailures(4), at(4))).toBeNull();
    const locked = accountFailures(5);
    expect(lockedUntil(locked, at(5))).toEqual(at(4 + 60));
    expect(lockedUntil(locked, at(4 + 60))).toBeNull();
  });

  it('locks longer with each failure after a lock has run out', () => {
    const first = accountFailures(5)!;
    const second = countAccountFailure(first, at(100), LIMITS);
    expect(second.failures).toBe(6);
    expect(lockedUntil(second, at(100))).toEqual(at(100 + 120));
  });

  it('forgets failures after a quiet day', () => {
    const four = accountFailures(4)!;
    const later = countAccountFailure(four, at(3 + ACCOUNT_FAILURES_FORGOTTEN_AFTER_SECONDS), LIMITS);
    expect(later.failures).toBe(1);
    expect(lockedUntil(later, at(3 + ACCOUNT_FAILURES_FORGOTTEN_AFTER_SECONDS))).toBeNull();
  });

  it('never locks for longer than the limit, nor shorter than the first lock, once locked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 1, max: 10_000 }), (max, lock, failures) => {
        const limits = { ...LIMITS, accountMaxFailures: max, lockSeconds: lock, lockMaxSeconds: Math.max(lock, 900) };
        const seconds = accountLockSeconds(failures, limits);
        if (failures < max) return seconds === 0;
        return seconds >= lock && seconds <= limits.lockMaxSeconds && seconds <= accountLockSeconds(failures + 1, limits);
      }),
    );
  });
});

describe('address lock', () => {
  it('locks on the 30th failure in a window until the window ends, then starts afresh', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 29; i += 1) state = countAddressFailure(state, at(i * 10), LIMITS);
    expect(lockedUntil(state, at(290))).toBeNull();
    state = countAddressFailure(state, at(290), LIMITS);
    expect(lockedUntil(state, at(291))).toEqual(at(900));
    expect(lockedUntil(state, at(900))).toBeNull();
    const next = countAddressFailure(state, at(900), LIMITS);
    expect(next).toMatchObject({ failures: 1, since: at(900), lockedUntil: null });
  });

  it('takes a failure back when the attempt succeeds, lifting a lock the count no longer reaches', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 30; i += 1) state = countAddressFailure(state, at(i), LIMITS);
    const refunded = refundAddressFailure(state, at(31), LIMITS);
    expect(refunded).toMatchObject({ failures: 29, lockedUntil: null, since: T0 });
    expect(refundAddressFailure(state, at(900), LIMITS)).toBeUndefined();
  });
});

describe('secondsUntil', () => {
  it('rounds up, and is at least one second', () => {
    expect(secondsUntil(at(60), T0)).toBe(60);
    expect(secondsUntil(new Date(T0.getTime() + 59_001), T0)).toBe(60);
    expect(secondsUntil(T0, T0)).toBe(1);
  });
});

describe('addressKey', () => {
  it('counts IPv4 addresses as they are, IPv6 ones by their /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001:ffff:0:0:2')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
