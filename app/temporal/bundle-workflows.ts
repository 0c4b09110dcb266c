import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';

/** The case workflows (workflows/index.ts). */
export const CASE_WORKFLOWS_PATH = join(__dirname, '..', '..', 'workflows');

/**
 * The workflow interceptor modules every bundle of the case workflows carries: tracing, which
 * stays idle in runs that no traced client started (workflows/tracing.interceptors.ts).
 */
export const CASE_WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [join(CASE_WORKFLOWS_PATH, 'tracing.interceptors')];

/** Pre-built workflow bundle that production workers load instead of bundling at start (npm run build). */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', '..', 'workflow-bundle.js');

/**
 * The workflow code the workers run: the pre-built bundle when there is one, else bundled from the
 * source once (a fresh checkout, tests). For the replay check.
 */
export function workflowBundleSource(): () => Promise<WorkflowBundleOption> {
  let bundled: Promise<WorkflowBundleOption> | undefined;
  return () =>
    (bundled ??= existsSync(WORKFLOW_BUNDLE_PATH)
      ? Promise.resolve({ codePath: WORKFLOW_BUNDLE_PATH })
      : bundleWorkflowCode({ workflowsPath: CASE_WORKFLOWS_PATH, workflowInterceptorModules: [...CASE_WORKFLOW_INTERCEPTOR_MODULES] }).then(({ code }) => ({ code })));
}

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: CASE_WORKFLOWS_PATH, workflowInterceptorModules: [...CASE_WORKFLOW_INTERCEPTOR_MODULES] });
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(`workflow bundle written to ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
