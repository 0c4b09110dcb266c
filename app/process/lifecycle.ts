import pino, { type Logger } from 'pino';
import { ConfigError, type AppConfig } from './config';

/** A start-up failure the operator can fix; printed as one line, without a stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The process's structured logger, named after the process (all-in-one, server, worker). */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, process: string): Logger {
  return pino({ level: config.logLevel, base: { process } });
}

/** What a process has started, stopped in reverse order on shutdown or on a failed start-up. */
export class Lifecycle {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];

  onStop(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
  }

  async stopAll(): Promise<void> {
    for (const { name, stop } of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`caseflow: stopping ${name} failed:`, error);
      }
    }
  }
}

/**
 * Runs a process: start-up errors an operator can fix print as one line (exit 1); SIGINT or
 * SIGTERM stops everything once; a second Ctrl-C forces the exit.
 */
export function runProcess(start: (lifecycle: Lifecycle) => Promise<void>): void {
  const lifecycle = new Lifecycle();
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`caseflow: ${signal} again, exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.error(`caseflow: ${signal} received, shutting down…`);
    void lifecycle.stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  start(lifecycle).catch(async (error: unknown) => {
    if (error instanceof StartupError || error instanceof ConfigError) console.error(`caseflow: ${error.message}`);
    else console.error('caseflow: start-up failed:', error);
    await lifecycle.stopAll();
    process.exit(1);
  });
}
