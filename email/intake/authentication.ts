import type { ParsedMail } from 'mailparser';
import type { EmailRefusal } from './types';

/** One `method=result` of an Authentication-Results header (RFC 8601), lower case. */
interface AuthenticationResult {
  readonly method: string;
  readonly result: string;
}

interface AuthenticationResultsHeader {
  readonly authservId: string;
  readonly results: readonly AuthenticationResult[];
}

/**
 * caseflow does not check SPF, DKIM or DMARC itself: inbound mail should come through an MTA that
 * does and records its verdict in an Authentication-Results header (README, "Email in"). When such
 * a header is present, a message whose sender failed authentication is refused, so a forged From:
 * cannot open or add to a customer's case.
 *
 * `trustedAuthservId` (EMAIL_TRUSTED_AUTHSERV_ID): only headers written by that server count; unset,
 * every header counts. Honouring an untrusted header is safe here because only failures are acted
 * on: a sender can add a "fail" header to refuse its own mail, but a forged "pass" changes nothing.
 */
export function authenticationRefusal(mail: ParsedMail, trustedAuthservId: string | null): EmailRefusal | null {
  const headers = authenticationResultsOf(mail).filter((h) => trustedAuthservId === null || h.authservId === trustedAuthservId.toLowerCase());
  for (const header of headers) {
    const verdict = (method: string) => header.results.find((r) => r.method === method)?.result;
    const dmarc = verdict('dmarc');
    if (dmarc === 'fail') return refusal(header, 'dmarc=fail');
    if (dmarc === undefined && verdict('spf') === 'fail' && verdict('dkim') !== 'pass') return refusal(header, 'spf=fail and no passing DKIM signature');
  }
  return null;
}

function refusal(header: AuthenticationResultsHeader, what: string): EmailRefusal {
  return { kind: 'refused', reason: 'failed-authentication', detail: `the sender could not be authenticated (${header.authservId}: ${what})` };
}

/** Every Authentication-Results header of the message, parsed; unparsable ones are left out. */
export function authenticationResultsOf(mail: ParsedMail): AuthenticationResultsHeader[] {
  const raw: unknown = mail.headers.get('authentication-results');
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  return values.map(parseAuthenticationResults).filter((h): h is AuthenticationResultsHeader => h !== null);
}

/** "mx.example.net 1; spf=pass smtp.mailfrom=a.example; dkim=none (no signature); dmarc=fail" */
export function parseAuthenticationResults(value: string): AuthenticationResultsHeader | null {
  const withoutComments = value.replace(/\([^()]*\)/g, ' ');
  const [first, ...rest] = withoutComments.split(';').map((part) => part.trim());
  const authservId = first?.split(/\s+/)[0]?.toLowerCase();
  if (!authservId) return null;
  const results = rest.flatMap((part) => {
    const match = /^([a-z0-9-]+)\s*=\s*([a-z]+)/i.exec(part);
    return match ? [{ method: match[1]!.toLowerCase(), result: match[2]!.toLowerCase() }] : [];
  });
  return { authservId, results };
}
