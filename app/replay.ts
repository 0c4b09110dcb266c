import { Client, Connection } from '@temporalio/client';
import { createReplayCheck, type ReplayVerdict } from '../services/replay-check';
import { ConfigError, loadConfig } from './process/config';
import { firstLine } from './process/database';
import { workflowBundleSource } from './temporal/bundle-workflows';

/**
 * `npm run replay -- --case CAS-01000 [--case …]` or `npm run replay -- --open`: replays the live
 * histories of those cases (or of every open case) against the current workflow code and prints
 * ok or the nondeterminism found, one line per case. Run it before deploying a workflow change.
 * Exit status 0: all replay; 1: at least one does not; 2: it could not run.
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE say which server (default: the embedded dev server's port).
 */
export async function runReplay(env: NodeJS.ProcessEnv, argv: readonly string[], print: (text: string) => void = console.log): Promise<number> {
  let connection: Connection | undefined;
  try {
    const options = parseArguments(argv);
    const config = loadConfig(env);
    const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
    try {
      connection = await Connection.connect({ address, connectTimeout: 5_000 });
      await connection.workflowService.getSystemInfo({});
    } catch (error) {
      throw new ConfigError(`Cannot reach Temporal at ${address}: ${firstLine(error)} (is the app running? set TEMPORAL_ADDRESS)`);
    }
    const check = createReplayCheck({ temporal: new Client({ connection, namespace: config.temporal.namespace }), workflowBundle: workflowBundleSource() });
    const verdicts = options.open ? await check.openCases() : await check.cases(options.cases);
    for (const verdict of verdicts) print(formatVerdict(verdict));
    const failed = verdicts.filter((v) => !v.ok).length;
    print(`${verdicts.length} case(s) replayed: ${verdicts.length - failed} ok, ${failed} not`);
    return failed === 0 ? 0 : 1;
  } catch (error) {
    print(`replay: ${error instanceof ConfigError ? error.message : firstLine(error)}`);
    return 2;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export function formatVerdict(verdict: ReplayVerdict): string {
  return verdict.ok ? `${verdict.caseNumber}  ok  (run ${verdict.runId})` : `${verdict.caseNumber}  FAILS  ${verdict.problem ?? ''}`;
}

function parseArguments(argv: readonly string[]): { open: boolean; cases: string[] } {
  const cases: string[] = [];
  let open = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--open') open = true;
    else if (arg === '--case') {
      const value = argv[++i] ?? '';
      if (!/^CAS-\d{5,}$/.test(value)) throw new ConfigError(`--case needs a case number such as CAS-01000 (got '${value}')`);
      cases.push(value);
    } else throw new ConfigError(`unknown option '${arg}' (options: --case CAS-01000 (repeatable), --open)`);
  }
  if (open === (cases.length > 0)) throw new ConfigError('say which cases: --case CAS-01000 (repeatable) or --open (every open case)');
  return { open, cases };
}

if (require.main === module) {
  void runReplay(process.env, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
