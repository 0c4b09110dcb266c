import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The app's own log lines for requests it answered 500 ("request failed"), from every process log
 * the run kept: a 500 is a defect whatever its cause, so the bench reports it and keeps the logs.
 */
export function serverErrorsIn(logDir: string): { file: string; line: string }[] {
  if (!existsSync(logDir)) return [];
  const found: { file: string; line: string }[] = [];
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (line.includes('"request failed"') || line.includes('request failed {')) found.push({ file, line: line.slice(0, 2_000) });
    }
  }
  return found;
}
