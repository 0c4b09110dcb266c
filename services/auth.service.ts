import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { SignInAuditRepository, SignInOutcome } from '../db/repositories/sign-in-audit.repository';
import type { UserCredentials, UserRepository } from '../db/repositories/user.repository';
import { ROLES, type Actor, type Role } from '../domain/actor';
import { addressKey, secondsUntil } from '../domain/sign-in-throttle';
import { UnauthorizedError } from './errors';
import { UNUSABLE_PASSWORD_HASH, verifyPassword } from '../db/password-hash';
import { isUuid } from '../domain/ids';
import type { SignInGuard } from './sign-in-guard';

/** Who issues the API's bearer tokens and who they are for: a token of another system is refused. */
export const TOKEN_ISSUER = 'caseflow';
export const TOKEN_AUDIENCE = 'caseflow-api';
const ALGORITHM = 'HS256';
/** Explicit typing (RFC 8725 §3.11): a JWS made for another purpose with the same key is not an access token. */
const TOKEN_TYPE = 'JWT';
/** Tolerated clock difference between the processes that issue and check tokens. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** One message for an unknown user, a wrong password and a disabled account: none is revealed. */
const BAD_CREDENTIALS = 'wrong username or password';
const SIGN_IN_AGAIN = 'sign in again (POST /auth/token)';

export interface AuthServiceDependencies {
  readonly users: Pick<UserRepository, 'findActor' | 'findCredentials'>;
  /** Locks account names and addresses after failed sign-ins. */
  readonly signIns: SignInGuard;
  /** Every sign-in attempt is recorded here. */
  readonly audit: Pick<SignInAuditRepository, 'record'>;
  /** HS256 key; config.auth.jwtSecret (at least 32 characters). */
  readonly jwtSecret: string;
  readonly tokenTtlMinutes: number;
  /** The clock of sign-in locks and records; tests pass their own. */
  readonly now?: () => Date;
}

/** Where a sign-in attempt comes from. */
export interface SignInOrigin {
  /** The client's address as the connection shows it. */
  readonly remoteAddress: string | undefined;
}

/** Too many failed sign-ins for the name or from the address: nothing is checked until `retryAfterSeconds` have passed. */
export class SignInLockedError extends Error {
  override readonly name = 'SignInLockedError';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins: wait ${retryAfterSeconds} seconds, then try again`);
  }
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the token expires. */
  readonly expiresIn: number;
  readonly user: { readonly id: string; readonly username: string; readonly role: Role; readonly displayName: string };
}

export interface AuthService {
  /**
   * Checks the password and issues a bearer token; UnauthorizedError (one message for every cause)
   * otherwise, or SignInLockedError while the name or the address is locked (right password or not).
   * Every attempt is recorded.
   */
  issueToken(username: string, password: string, origin: SignInOrigin): Promise<IssuedToken>;
  /** The caller a bearer token stands for, re-read from the database; UnauthorizedError when it is not valid. */
  verify(token: string): Promise<Actor>;
}

export function createAuthService(deps: AuthServiceDependencies): AuthService {
  const key = new TextEncoder().encode(deps.jwtSecret);
  const ttlSeconds = deps.tokenTtlMinutes * 60;
  const now = deps.now ?? (() => new Date());

  return {
    async issueToken(username, password, origin) {
      const at = now();
      const remoteAddress = origin.remoteAddress ?? 'unknown';
      const keys = { username, address: addressKey(origin.remoteAddress) };
      const row: UserCredentials | undefined = await deps.users.findCredentials({ username });
      const record = (outcome: SignInOutcome) => deps.audit.record({ at, username, userId: row?.id ?? null, remoteAddress, outcome });

      // Known or unknown name alike: a lock says nothing about who has an account.
      const { lockedUntil } = await deps.signIns.admit(keys, at);
      if (lockedUntil) {
        await record('locked');
        throw new SignInLockedError(secondsUntil(lockedUntil, at));
      }
      // Always one scrypt: an unknown user answers as slowly as a wrong password.
      const matches = await verifyPassword(password, row?.passwordHash ?? UNUSABLE_PASSWORD_HASH);
      const actor = row && row.passwordHash && matches && !row.disabled ? await deps.users.findActor(row.id) : undefined;
      if (!actor) {
        // A disabled account counts as a failure like any other: the answer must not tell it apart.
        await record(row?.passwordHash && matches && row.disabled ? 'disabled' : 'wrong_credentials');
        throw new UnauthorizedError(BAD_CREDENTIALS);
      }
      await deps.signIns.succeeded(keys, at);
      await record('succeeded');
      const accessToken = await new SignJWT({ role: actor.role })
        .setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(actor.userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
      return {
        accessToken,
        tokenType: 'Bearer',
        expiresIn: ttlSeconds,
        user: { id: actor.userId, username, role: actor.role, displayName: actor.displayName },
      };
    },

    async verify(token) {
      let subject: string;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          typ: TOKEN_TYPE,
          requiredClaims: ['sub', 'iat', 'exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        const role = payload['role'];
        if (typeof payload.sub !== 'string' || !isUuid(payload.sub) || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
          throw new UnauthorizedError(`the bearer token's claims are not valid: ${SIGN_IN_AGAIN}`);
        }
        subject = payload.sub;
      } catch (err) {
        throw toUnauthorized(err);
      }
      // The database, not the token, has the last word: a changed role or a disabled account counts at once.
      const row = await deps.users.findCredentials({ id: subject });
      if (!row || row.disabled) throw new UnauthorizedError(`the account of this bearer token is disabled or no longer exists`);
      const actor = await deps.users.findActor(subject);
      if (!actor) throw new UnauthorizedError(`the account of this bearer token is disabled or no longer exists`);
      return actor;
    },
  };
}

function toUnauthorized(err: unknown): UnauthorizedError {
  if (err instanceof UnauthorizedError) return err;
  if (err instanceof joseErrors.JWTExpired) return new UnauthorizedError(`the bearer token has expired: ${SIGN_IN_AGAIN}`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new UnauthorizedError('the bearer token\'s signature is not valid');
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new UnauthorizedError(`the bearer token must be signed with ${ALGORITHM}`);
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new UnauthorizedError(`the bearer token's "${err.claim}" claim is not valid: ${SIGN_IN_AGAIN}`);
  if (err instanceof joseErrors.JOSEError) return new UnauthorizedError('the bearer token is malformed: it is not a signed JWT');
  // Not a token problem (the key, a bug): let it surface as a 500 and be logged.
  throw err;
}
