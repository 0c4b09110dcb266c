import type { Database } from '../connection';

/** What became of a sign-in attempt. */
export const SIGN_IN_OUTCOMES = ['succeeded', 'wrong_credentials', 'locked', 'disabled'] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/** Longest username kept in the record; longer ones are cut (sign-in itself accepts up to 200). */
export const AUDITED_USERNAME_MAX = 200;
const ADDRESS_MAX = 100;

export interface SignInAttempt {
  readonly at: Date;
  /** As the caller typed it. */
  readonly username: string;
  /** The user of that name, when there is one. */
  readonly userId: string | null;
  readonly remoteAddress: string;
  readonly outcome: SignInOutcome;
}

export interface SignInRecord {
  readonly id: string;
  readonly at: string;
  readonly username: string;
  readonly userId: string | null;
  readonly remoteAddress: string;
  readonly outcome: SignInOutcome;
}

export interface SignInFilter {
  readonly username?: string | undefined;
  readonly outcome?: SignInOutcome | undefined;
  readonly userId?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

interface AuditRow {
  id: string | number;
  at: Date | string;
  username: string;
  user_id: string | null;
  remote_address: string;
  outcome: SignInOutcome;
}

/** The sign-in record (table sign_in_audit): one row per attempt, read by administrators. */
export function createSignInAuditRepository(db: Database) {
  return {
    async record(attempt: SignInAttempt): Promise<void> {
      await db('sign_in_audit').insert({
        at: attempt.at,
        username: attempt.username.slice(0, AUDITED_USERNAME_MAX),
        user_id: attempt.userId,
        remote_address: attempt.remoteAddress.slice(0, ADDRESS_MAX),
        outcome: attempt.outcome,
      });
    },

    /** Newest first; `username` matches exactly as typed. */
    async list(filter: SignInFilter): Promise<{ items: SignInRecord[]; total: number }> {
      const query = db('sign_in_audit');
      if (filter.username !== undefined) query.where('username', filter.username);
      if (filter.outcome !== undefined) query.where('outcome', filter.outcome);
      if (filter.userId !== undefined) query.where('user_id', filter.userId);
      const [counted, rows] = await Promise.all([
        query.clone().count<{ count: string | number }[]>({ count: '*' }),
        query
          .clone()
          .orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
          .limit(filter.limit)
          .offset(filter.offset)
          .select<AuditRow[]>('id', 'at', 'username', 'user_id', 'remote_address', 'outcome'),
      ]);
      return {
        total: Number(counted[0]?.count ?? 0),
        items: rows.map((row) => ({ id: String(row.id), at: new Date(row.at).toISOString(), username: row.username, userId: row.user_id, remoteAddress: row.remote_address, outcome: row.outcome })),
      };
    },
  };
}

export type SignInAuditRepository = ReturnType<typeof createSignInAuditRepository>;
