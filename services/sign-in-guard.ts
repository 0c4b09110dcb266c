import type { SignInThrottleRepository } from '../db/repositories/sign-in-throttle.repository';
import {
  countAccountFailure,
  countAddressFailure,
  lockedUntil,
  refundAddressFailure,
  type SignInLimits,
  type ThrottleState,
} from '../domain/sign-in-throttle';

export interface SignInGuardDependencies {
  readonly throttles: Pick<SignInThrottleRepository, 'change' | 'clear' | 'pruneForgotten'>;
  readonly limits: SignInLimits;
}

/** Where an attempt comes from and what it names: the keys of its two counters. */
export interface SignInKeys {
  readonly username: string;
  /** domain/sign-in-throttle.ts addressKey. */
  readonly address: string;
}

export interface SignInGuard {
  /**
   * Admits an attempt, or says until when its address or else its account name is locked. An admitted attempt is counted as a failure at once, before the password is
   * checked: parallel guesses cannot slip in while the first ones are being checked.
   */
  admit(keys: SignInKeys, now: Date): Promise<{ readonly lockedUntil: Date | null }>;
  /** The admitted attempt succeeded: the account name's failures are cleared, the address's count taken back. */
  succeeded(keys: SignInKeys, now: Date): Promise<void>;
}

/** Locks account names and addresses after failed sign-ins (domain/sign-in-throttle.ts), shared through the database. */
export function createSignInGuard(deps: SignInGuardDependencies): SignInGuard {
  const { throttles, limits } = deps;

  /** Refuses while locked (leaving the counter as it is), otherwise counts one failure. */
  const admitOne = (count: (state: ThrottleState | undefined) => ThrottleState, now: Date) => (current: ThrottleState | undefined) => {
    const locked = lockedUntil(current, now);
    return locked ? { next: current, answer: locked } : { next: count(current), answer: null };
  };

  const refundAddress = (address: string, now: Date) =>
    throttles.change('address', address, (current) => ({ next: refundAddressFailure(current, now, limits), answer: undefined }));

  return {
    async admit(keys, now) {
      await throttles.pruneForgotten(now);
      const addressLock = await throttles.change('address', keys.address, admitOne((state) => countAddressFailure(state, now, limits), now));
      if (addressLock) return { lockedUntil: addressLock };
      const accountLock = await throttles.change('account', keys.username, admitOne((state) => countAccountFailure(state, now, limits), now));
      if (accountLock) {
        // Refused without a password check: not a guess, so the address is not charged for it.
        await refundAddress(keys.address, now);
        return { lockedUntil: accountLock };
      }
      return { lockedUntil: null };
    },

    async succeeded(keys, now) {
      await throttles.clear('account', keys.username);
      await refundAddress(keys.address, now);
    },
  };
}
