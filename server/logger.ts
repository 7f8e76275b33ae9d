/**
 * Structured JSON logs (pino) on stdout. Every line names the node it came from (nodeId, hostname,
 * pid), so the logs of a cluster can be merged and still be read.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

/** WARROOM_NODE_ID when set (e.g. the pod name), else the host name and a random suffix. */
export function defaultNodeId(): string {
  return process.env.WARROOM_NODE_ID || `${hostname()}-${randomBytes(3).toString('hex')}`;
}

export function createLogger(level: LogLevel = 'info', nodeId = defaultNodeId(), destination?: pino.DestinationStream): Logger {
  const options = {
    level, base: { service: 'warroom', nodeId, hostname: hostname(), pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * A crash is one JSON line like any other (level fatal, with the error and its stack), written
 * synchronously so it is not lost, then the process ends with code 1 as Node would have ended it.
 * For the long-running server only: a library must not install process-wide handlers.
 */
export function logCrashes(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const crash = (kind: string) => (err: unknown) => {
    logger.fatal({ err, kind }, kind === 'unhandledRejection' ? 'crash: unhandled promise rejection' : 'crash: uncaught exception');
    logger.flush?.();
    exit(1);
  };
  const onException = crash('uncaughtException');
  const onRejection = crash('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
