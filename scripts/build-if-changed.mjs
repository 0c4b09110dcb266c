#!/usr/bin/env node
/**
 * `npm start` runs this before the app: it builds (npm run build: TypeScript, the workflow bundle,
 * the web desk) only when a source file changed since the last build, so a start on an unchanged
 * checkout takes a second, not the 20-70 s of a build. The build's inputs are hashed by content;
 * the hash of the last successful build is kept in dist/.build-stamp.json (written by the build's
 * last step, `--record`). A build that fails writes no stamp, so the next start builds again.
 * `npm run build` always builds.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads: the TypeScript of every layer, the workflow code, the desk, and what configures them. */
export const BUILD_INPUTS = ['app', 'domain', 'workflows', 'activities', 'db', 'api', 'bot', 'email', 'services', 'web', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** What a build leaves: without any of these the app cannot start, whatever the stamp says. */
export const BUILD_OUTPUTS = ['dist/app/main.js', 'dist/workflow-bundle.js', 'dist/desk/index.html'];

const STAMP = join('dist', '.build-stamp.json');

function filesUnder(root, entry) {
  const path = join(root, entry);
  if (!existsSync(path)) return [];
  const stack = [path];
  const files = [];
  while (stack.length > 0) {
    const current = stack.pop();
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      files.push(current); // a file
      continue;
    }
    for (const child of entries) {
      if (child.name === 'node_modules' || child.name === 'dist') continue;
      const childPath = join(current, child.name);
      if (child.isDirectory()) stack.push(childPath);
      else if (child.isFile()) files.push(childPath);
    }
  }
  return files;
}

/** One hash of every build input's path and content, in a fixed order. */
export function sourceHash(root) {
  const hash = createHash('sha256');
  const files = BUILD_INPUTS.flatMap((entry) => filesUnder(root, entry))
    .map((file) => relative(root, file).split(sep).join('/'))
    .sort();
  for (const file of files) {
    hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

/** Why a build is needed, or null when the last build is of exactly these sources. */
export function whyBuild(root) {
  const missing = BUILD_OUTPUTS.find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;
  const stampPath = join(root, STAMP);
  if (!existsSync(stampPath)) return 'no record of the last build';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return 'the record of the last build is unreadable';
  }
  return stamp.sourceHash === sourceHash(root) ? null : 'sources changed since the last build';
}

/** Records that the build in dist/ is of the sources as they are now. */
export function recordBuild(root) {
  writeFileSync(join(root, STAMP), `${JSON.stringify({ sourceHash: sourceHash(root), builtAt: new Date().toISOString() }, null, 2)}\n`);
}

function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  // `npm run build` ends with --record: any successful build counts, not only those started here.
  if (process.argv.includes('--record')) {
    recordBuild(root);
    return 0;
  }
  const why = whyBuild(root);
  if (why === null) {
    console.log('caseflow: the build is up to date (npm run build to build anyway)');
    return 0;
  }
  console.log(`caseflow: building (${why})…`);
  const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  return build.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
