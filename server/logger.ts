/** Structured JSON logs (pino) on stdout. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: { service: 'warroom' }, timestamp: pino.stdTimeFunctions.isoTime });
}
