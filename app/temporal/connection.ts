import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { AppConfig } from '../process/config';
import { StartupError } from '../process/lifecycle';
import { firstLine } from '../process/database';
import { registerCaseSearchAttributes, registrationCommand } from './search-attributes';

/**
 * The client of a process that opens cases (all-in-one, server). When cases are to carry search
 * attributes (TEMPORAL_SEARCH_ATTRIBUTES, on by default), it registers them on the namespace first,
 * so no case ever upserts one the server does not know.
 */
export async function connectClient(
  address: string,
  config: AppConfig,
  logger: Logger,
  /** Tracing's client interceptor when it is on (app/telemetry/tracing.ts). */
  workflowInterceptors: readonly WorkflowClientInterceptor[] = [],
): Promise<{ connection: Connection; client: Client }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5_000 });
    await connection.workflowService.getSystemInfo({});
  } catch (error) {
    throw new StartupError(`Cannot reach Temporal at ${address}: ${firstLine(error)}`);
  }
  if (config.caseSettings.searchAttributes) await ensureSearchAttributes(connection, config.temporal.namespace, logger);
  return { connection, client: new Client({ connection, namespace: config.temporal.namespace, interceptors: { workflow: [...workflowInterceptors] } }) };
}

async function ensureSearchAttributes(connection: Connection, namespace: string, logger: Logger): Promise<void> {
  const registration = await registerCaseSearchAttributes(connection, namespace);
  switch (registration.outcome) {
    case 'present':
      return;
    case 'registered':
      logger.info({ namespace, added: registration.added }, 'case search attributes registered');
      return;
    case 'unknown':
      // Without operator rights the server may not say; the deployment says they are there.
      logger.warn({ namespace, reason: registration.reason }, `could not check the case search attributes; if cases stall with "BadSearchAttributes", run: ${registrationCommand(namespace)} (or set TEMPORAL_SEARCH_ATTRIBUTES=false)`);
      return;
    case 'taken':
      await connection.close();
      throw new StartupError(
        `Temporal namespace ${namespace} has ${registration.names.join(', ')} registered with another type than the Keyword cases need: use a namespace of caseflow's own (TEMPORAL_NAMESPACE), or set TEMPORAL_SEARCH_ATTRIBUTES=false`,
      );
    case 'refused':
      await connection.close();
      throw new StartupError(
        `Temporal namespace ${namespace} lacks the case search attributes ${registration.missing.join(', ')} and refused to add them (${registration.reason}): run ${registrationCommand(namespace)}, or set TEMPORAL_SEARCH_ATTRIBUTES=false`,
      );
  }
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (error) {
    throw new StartupError(`Cannot reach Temporal at ${address}: ${firstLine(error)}`);
  }
}
