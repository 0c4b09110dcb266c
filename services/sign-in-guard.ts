import type { SignInThrottleRepository } from '../db/repositories/sign-in-throttle.repository';
import { countAccountFailure, countAddressFailure, lockedUntil, refundAddressFailure, type SignInLimits } from '../domain/sign-in-throttle';

export interface SignInGuardDependencies {
  readonly throttles: Pick<SignInThrottleRepository, 'inTransaction' | 'pruneForgotten'>;
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
   * Admits an attempt, or says until when its address or else its account name is locked. An
   * admitted attempt is counted as a failure at once, before the password is checked: parallel
   * guesses cannot slip in while the first ones are being checked.
   */
  admit(keys: SignInKeys, now: Date): Promise<{ readonly lockedUntil: Date | null }>;
  /** The admitted attempt succeeded: the account name's failures are cleared, the address's count taken back. */
  succeeded(keys: SignInKeys, now: Date): Promise<void>;
}

/**
 * Locks account names and addresses after failed sign-ins (domain/sign-in-throttle.ts), shared
 * through the database. Both counters of an attempt change in one transaction, the address first.
 */
export function createSignInGuard(deps: SignInGuardDependencies): SignInGuard {
  const { throttles, limits } = deps;

  return {
    async admit(keys, now) {
      await throttles.pruneForgotten(now);
      return throttles.inTransaction(async (counters) => {
        const address = await counters.lock('address', keys.address);
        const addressLock = lockedUntil(address, now);
        if (addressLock) return { lockedUntil: addressLock };
        const account = await counters.lock('account', keys.username);
        // Refused by the name's lock, without a password check: not a guess, so the address is not charged.
        const accountLock = lockedUntil(account, now);
        if (accountLock) return { lockedUntil: accountLock };
        await counters.store('address', keys.address, countAddressFailure(address, now, limits));
        await counters.store('account', keys.username, countAccountFailure(account, now, limits));
        return { lockedUntil: null };
      });
    },

    async succeeded(keys, now) {
      await throttles.inTransaction(async (counters) => {
        const address = await counters.lock('address', keys.address);
        await counters.store('address', keys.address, refundAddressFailure(address, now, limits));
        await counters.store('account', keys.username, undefined);
      });
    },
  };
}
