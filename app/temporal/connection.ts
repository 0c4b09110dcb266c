import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from '../process/config';
import { StartupError } from '../process/lifecycle';
import { firstLine } from '../process/database';

export async function connectClient(address: string, config: AppConfig): Promise<{ connection: Connection; client: Client }> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    await connection.workflowService.getSystemInfo({});
    return { connection, client: new Client({ connection, namespace: config.temporal.namespace }) };
  } catch (error) {
    throw new StartupError(`Cannot reach Temporal at ${address}: ${firstLine(error)}`);
  }
}

export async function connectWorker(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (error) {
    throw new StartupError(`Cannot reach Temporal at ${address}: ${firstLine(error)}`);
  }
}
