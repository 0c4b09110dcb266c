import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export type TemporalTool = 'temporal' | 'temporal-test-server';

const envOverride: Record<TemporalTool, string> = {
  temporal: 'TEMPORAL_CLI_PATH',
  'temporal-test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

const projectRoot = resolve(__dirname, existsSync(resolve(__dirname, '../../package.json')) ? '../..' : '../../..');

/**
 * Finds a Temporal binary: an explicit path from the environment, then what `npm install`
 * recorded in .tools/tools.json (scripts/setup-tools.mjs), then PATH.
 */
export function findTemporalTool(tool: TemporalTool): string {
  const fromEnv = process.env[envOverride[tool]];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envOverride[tool]} points to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const manifest = join(projectRoot, '.tools', 'tools.json');
  if (existsSync(manifest)) {
    const recorded = (JSON.parse(readFileSync(manifest, 'utf8')) as Partial<Record<TemporalTool, string>>)[tool];
    if (recorded && existsSync(recorded)) return recorded;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  throw new Error(`The ${tool} binary was not found: run 'npm install' (it installs it into .tools/) or put ${tool} on PATH`);
}
