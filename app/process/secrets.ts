import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The secrets a development installation signs with, when the environment gives none. */
export interface GeneratedSecrets {
  readonly jwtSecret: string;
  readonly surveySecret: string;
}

/**
 * Reads `DATA_DIR/secrets.json`, or creates it once with fresh random secrets (mode 0600): every
 * process of one installation agrees, and nothing is derived from a value anyone can guess (the
 * data folder's path was). Production takes its secrets from the environment instead.
 */
export function developmentSecrets(dataDir: string): GeneratedSecrets {
  const file = join(dataDir, 'secrets.json');
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<GeneratedSecrets>;
    if (typeof stored.jwtSecret === 'string' && stored.jwtSecret.length >= 32 && typeof stored.surveySecret === 'string' && stored.surveySecret.length >= 16) {
      return { jwtSecret: stored.jwtSecret, surveySecret: stored.surveySecret };
    }
  } catch {
    // No file yet (or an unreadable one): make one.
  }
  const secrets = { jwtSecret: randomBytes(32).toString('base64url'), surveySecret: randomBytes(32).toString('base64url') };
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': a second process starting at the same moment keeps the first one's secrets.
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch {
    return developmentSecrets(dataDir);
  }
  chmodSync(file, 0o600);
  return secrets;
}
