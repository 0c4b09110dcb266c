/** Failures a caller can act on, each mapped to one HTTP status and one chat reply by the channels. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The caller may see the case but not do this to it (wrong role, not the owner, not in the queue). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** The case is not in a state that allows this (resolving a cancelled case, resolving with open activities). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

/** No valid credentials: the caller must sign in (HTTP 401). */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
}

/**
 * A dependency is down or did not answer in time (Temporal, the database, the case's worker):
 * HTTP 503 with Retry-After, a "try again shortly" in chat. `mayStillHappen`: the action was
 * handed over and may yet take effect, so a retry must carry the same Idempotency-Key.
 */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    readonly mayStillHappen = false,
  ) {
    super(message);
  }
}
