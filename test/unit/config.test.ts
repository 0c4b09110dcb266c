import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/process/config';

/**
 * Found from outside: production seeded the demo users (password "demo") and signed tokens with a
 * key derived from the data folder's path, so an admin token could be forged.
 */
const folders: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-config-'));
  folders.push(dir);
  return dir;
};
const SECRETS = { JWT_SECRET: 'x'.repeat(40), SURVEY_SECRET: 'y'.repeat(20) };

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('production-safe defaults', () => {
  it('production refuses to start without its secrets, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), SURVEY_SECRET: SECRETS.SURVEY_SECRET })).toThrow(/JWT_SECRET must be set in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), JWT_SECRET: SECRETS.JWT_SECRET })).toThrow(/SURVEY_SECRET must be set in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), ...SECRETS, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 32 characters/);
  });

  it('a development server listening beyond this machine needs real secrets too', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0', DATA_DIR: dataDir() })).toThrow(/SURVEY_SECRET must be set when HOST \(0\.0\.0\.0\) is not a loopback address/);
    expect(loadConfig({ HOST: '0.0.0.0', DATA_DIR: dataDir(), ...SECRETS, SEED_DEMO_DATA: 'false' }).auth.jwtSecret).toBe(SECRETS.JWT_SECRET);
  });

  it('production seeds no demo data unless asked, and then only with a password of its own', () => {
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), ...SECRETS }).seedDemoData).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), ...SECRETS, SEED_DEMO_DATA: 'true' })).toThrow(/SEED_DEMO_DATA needs DEMO_PASSWORD/);
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), ...SECRETS, SEED_DEMO_DATA: 'true', DEMO_PASSWORD: 'a-long-demo-password' }).seedDemoData).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir() }).seedDemoData).toBe(true);
  });

  it('development generates random secrets once per data folder (mode 0600), never derived from anything', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const again = loadConfig({ DATA_DIR: dir });
    expect(again.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(again.surveySecret).toBe(first.surveySecret);
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.auth.jwtSecret).not.toContain(dir);
    expect(first.surveySecret).not.toContain(dir);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const other = loadConfig({ DATA_DIR: dataDir() });
    expect(other.auth.jwtSecret).not.toBe(first.auth.jwtSecret);
    expect(other.surveySecret).not.toBe(first.surveySecret);
  });
});

describe('sign-in locks', () => {
  it('locks after 5 failures for 1 to 15 minutes, and an address after 30 in 15 minutes, unless configured', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), ...SECRETS }).auth.signIn).toEqual({ accountMaxFailures: 5, lockSeconds: 60, lockMaxSeconds: 900, addressMaxFailures: 30, addressWindowSeconds: 900 });
    const configured = { SIGN_IN_ACCOUNT_MAX_FAILURES: '3', SIGN_IN_LOCK_SECONDS: '10', SIGN_IN_LOCK_MAX_SECONDS: '80', SIGN_IN_ADDRESS_MAX_FAILURES: '8', SIGN_IN_ADDRESS_WINDOW_SECONDS: '120' };
    expect(loadConfig({ DATA_DIR: dataDir(), ...SECRETS, ...configured }).auth.signIn).toEqual({ accountMaxFailures: 3, lockSeconds: 10, lockMaxSeconds: 80, addressMaxFailures: 8, addressWindowSeconds: 120 });
  });

  it('names a setting that makes no sense', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...SECRETS, SIGN_IN_ACCOUNT_MAX_FAILURES: '0' })).toThrow(/SIGN_IN_ACCOUNT_MAX_FAILURES/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...SECRETS, SIGN_IN_LOCK_SECONDS: '600', SIGN_IN_LOCK_MAX_SECONDS: '60' })).toThrow(/SIGN_IN_LOCK_MAX_SECONDS \(60\) must be at least SIGN_IN_LOCK_SECONDS \(600\)/);
  });
});

describe('the Temporal Web UI the history page links to', () => {
  it('TEMPORAL_UI_URL is a web address, kept without its trailing slash; unset, none (the all-in-one process uses its dev server)', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), ...SECRETS, TEMPORAL_UI_URL: 'https://temporal.example.com/ui/' }).temporal.webUiUrl).toBe('https://temporal.example.com/ui');
    expect(loadConfig({ DATA_DIR: dataDir(), ...SECRETS }).temporal.webUiUrl).toBeUndefined();
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...SECRETS, TEMPORAL_UI_URL: 'temporal.example.com' })).toThrow(/TEMPORAL_UI_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...SECRETS, TEMPORAL_UI_URL: 'javascript:alert(1)' })).toThrow(/TEMPORAL_UI_URL.*http/);
  });
});
