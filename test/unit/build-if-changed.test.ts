import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, recordBuild, whyBuild } from '../../scripts/build-if-changed.mjs';

/** `npm start` builds only when something the build reads changed (it took 20–70 s on every start). */
describe('npm start: build only when the sources changed', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const checkout = () => {
    root = mkdtempSync(join(tmpdir(), 'caseflow-build-'));
    write('package.json', '{}');
    write('app/main.ts', 'export {};');
    write('web/desk/src/main.tsx', 'export {};');
    write('node_modules/some-package/index.js', 'ignored');
    for (const output of BUILD_OUTPUTS) write(output, 'built');
  };
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds the first time, then not until a source file changes', () => {
    checkout();
    expect(whyBuild(root)).toBe('no record of the last build');
    recordBuild(root);
    expect(whyBuild(root)).toBeNull();

    write('node_modules/some-package/index.js', 'changed, but not a source');
    write('dist/app/other.js', 'a build output');
    expect(whyBuild(root)).toBeNull();

    write('app/main.ts', 'export const changed = true;');
    expect(whyBuild(root)).toBe('sources changed since the last build');
    recordBuild(root);
    write('web/desk/src/new-page.tsx', 'export {};');
    expect(whyBuild(root)).toBe('sources changed since the last build');
  });

  it('builds when an output is missing, whatever the record says', () => {
    checkout();
    recordBuild(root);
    rmSync(join(root, 'dist/desk/index.html'));
    expect(whyBuild(root)).toBe('dist/desk/index.html is missing');
  });
});
