import type { ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { authenticationRefusal, parseAuthenticationResults } from '../../email/intake/authentication';

function mailWith(...headers: string[]): ParsedMail {
  const map = new Map<string, unknown>();
  if (headers.length === 1) map.set('authentication-results', headers[0]);
  else if (headers.length > 1) map.set('authentication-results', headers);
  return { headers: map } as unknown as ParsedMail;
}

describe('Authentication-Results (RFC 8601)', () => {
  it('reads the authserv-id and each method’s result, ignoring comments and properties', () => {
    expect(parseAuthenticationResults('MX.Example.NET 1; spf=pass (sender ok) smtp.mailfrom=a.example; dkim=fail header.d=a.example; dmarc=none')).toEqual({
      authservId: 'mx.example.net',
      results: [
        { method: 'spf', result: 'pass' },
        { method: 'dkim', result: 'fail' },
        { method: 'dmarc', result: 'none' },
      ],
    });
  });

  it('refuses dmarc=fail, and spf=fail without a passing DKIM signature when DMARC gave no verdict', () => {
    expect(authenticationRefusal(mailWith('mx.example; dmarc=fail header.from=a.example'), null)?.detail).toContain('mx.example: dmarc=fail');
    expect(authenticationRefusal(mailWith('mx.example; spf=fail; dkim=none'), null)?.reason).toBe('failed-authentication');
    expect(authenticationRefusal(mailWith('mx.example; spf=fail; dkim=pass header.d=a.example'), null)).toBeNull();
    expect(authenticationRefusal(mailWith('mx.example; spf=fail; dkim=none; dmarc=pass'), null)).toBeNull();
    expect(authenticationRefusal(mailWith('mx.example; spf=pass; dmarc=pass'), null)).toBeNull();
    expect(authenticationRefusal(mailWith(), null)).toBeNull();
  });

  it('honours only the trusted MTA’s headers when one is configured', () => {
    const mail = mailWith('elsewhere.example; dmarc=fail', 'mx.caseflow.example; dmarc=pass');
    expect(authenticationRefusal(mail, 'mx.caseflow.example')).toBeNull();
    expect(authenticationRefusal(mail, null)?.detail).toContain('elsewhere.example');
    expect(authenticationRefusal(mailWith('MX.caseflow.example; dmarc=fail'), 'mx.CASEFLOW.example')?.reason).toBe('failed-authentication');
  });
});
