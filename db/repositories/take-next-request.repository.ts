import type { Database } from '../connection';

/** How long a take-next request's key is remembered: retries come within seconds; a day is generous. */
const REMEMBERED_FOR_HOURS = 24;

/**
 * Which case a staff member's POST /cases/take-next (with an Idempotency-Key) took, or was about to
 * take: a retry of the request asks for that case again.
 */
export function createTakeNextRequestRepository(db: Database) {
  const fresh = () => db.raw(`now() - interval '${REMEMBERED_FOR_HOURS} hours'`);
  return {
    /** The case remembered for this user's key, if the key was used within the last day. */
    async find(userId: string, requestKey: string): Promise<string | undefined> {
      const row = await db('take_next_requests').where({ user_id: userId, request_key: requestKey }).andWhere('created_at', '>', fresh()).first<{ case_number: string } | undefined>('case_number');
      return row?.case_number;
    },

    /** Remembers the case this key is taking now (the next candidate replaces a lost one); forgets the user's keys older than a day. */
    async remember(userId: string, requestKey: string, caseNumber: string): Promise<void> {
      await db('take_next_requests')
        .insert({ user_id: userId, request_key: requestKey, case_number: caseNumber, created_at: db.fn.now() })
        .onConflict(['user_id', 'request_key'])
        .merge(['case_number', 'created_at']);
      await db('take_next_requests').where({ user_id: userId }).andWhere('created_at', '<=', fresh()).delete();
    },
  };
}

export type TakeNextRequestRepository = ReturnType<typeof createTakeNextRequestRepository>;
