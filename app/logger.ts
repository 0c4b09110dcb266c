import pino, { type Logger } from 'pino';
import type { AppConfig } from './config';

export function createLogger(config: Pick<AppConfig, 'logLevel'>, process: string): Logger {
  return pino({ level: config.logLevel, base: { process } });
}
