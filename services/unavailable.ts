import { isGrpcDeadlineError, isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { UnavailableError } from './errors';

/** gRPC status codes Temporal answers with while it (or the case's worker) cannot serve. */
/** A deadline the client set can surface as CANCELLED (the retrying interceptor cancels the call). */
const GRPC_CANCELLED = 1;
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_RESOURCE_EXHAUSTED = 8;

/** PostgreSQL: admin shutdown, crash shutdown, cannot connect now (57P0x); connection exceptions (08xxx); too many connections. */
const DATABASE_DOWN = /^(57P0[123]|08\d{3}|53300)$/;
const SOCKET_DOWN = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTCONN']);

const RETRY = 'Try again shortly.';

/** The case's workflow did not answer within the deadline: an action sent may still take effect. */
export class NoAnswerInTime extends UnavailableError {
  constructor() {
    super(`The case did not answer in time (its worker may be down or busy). The action may still take effect: look at the case before trying again.`, 5, true);
  }
}

function grpcCode(error: unknown): number | undefined {
  if (isGrpcServiceError(error)) return error.code;
  if (error instanceof ServiceError && error.cause) return grpcCode(error.cause);
  return undefined;
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/**
 * Recognises a failure that says "a dependency is down or slow" rather than "this request is
 * wrong", so channels answer 503 with Retry-After instead of a 500 that clients would hammer.
 * Returns undefined for anything else.
 */
export function asUnavailable(error: unknown): UnavailableError | undefined {
  if (error instanceof UnavailableError) return error;
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new NoAnswerInTime();
  for (const e of causes(error)) {
    const code = grpcCode(e);
    if (code === GRPC_UNAVAILABLE) return new UnavailableError(`The workflow service (Temporal) is unavailable. ${RETRY}`);
    if (code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED || isGrpcDeadlineError(e) || /deadline exceeded/i.test((e as Error).message ?? '')) return new NoAnswerInTime();
    if (code === GRPC_RESOURCE_EXHAUSTED) return new UnavailableError(`The case is busy with other requests. ${RETRY}`, 10);
    if (code === GRPC_FAILED_PRECONDITION && /workflow task|failed state/i.test((e as Error).message)) {
      return new UnavailableError(`The case is recovering from a worker failure. ${RETRY}`);
    }
    const sqlState = (e as { code?: unknown }).code;
    if (typeof sqlState === 'string' && (DATABASE_DOWN.test(sqlState) || SOCKET_DOWN.has(sqlState))) return new UnavailableError(`The database is unavailable. ${RETRY}`);
    const message = e instanceof Error ? e.message : '';
    if (/Connection terminated|Timeout acquiring a connection|Client has encountered a connection error/i.test(message)) return new UnavailableError(`The database is unavailable. ${RETRY}`);
  }
  return undefined;
}
