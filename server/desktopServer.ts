/**
 * The war room that ships inside the desktop app: bundled by scripts/build-server.ts into
 * dist/server/warroom-server.mjs and started by main/localServer.ts in Electron's utilityProcess,
 * on the embedded node:sqlite store in the app's user data folder. The same file runs under plain
 * Node (`node dist/server/warroom-server.mjs --port 0 --data-dir D`), which is how it is tested.
 *
 * Under Electron it reports to the shell through `process.parentPort`; under Node it prints
 * `listening on URL` and the tokens on stdout. It has no PostgreSQL or Redis: a team that needs
 * those runs the full `warroom serve`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalServerControl, LocalServerMessage } from '../shared/localServer.ts';
import { createServer } from './createServer.ts';
import { createLogger } from './logger.ts';
import type { LogLevel } from './config.ts';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort ?? null;

function report(message: LocalServerMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else if (message.type === 'ready') {
    process.stdout.write(`listening on ${message.url}\n`);
    process.stdout.write(`lead token: ${message.leadToken}\n`);
    if (message.inviteToken) process.stdout.write(`invite token: ${message.inviteToken}\n`);
  } else process.stderr.write(`${message.message}\n`);
}

export async function runDesktopServer(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'public-url': { type: 'string' },
      'static-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  if (!values['data-dir']) throw new Error('--data-dir is required');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535 (got "${values.port}")`);
  const logLevel = values['log-level'] as LogLevel;
  const server = await createServer({
    host: values.host,
    port,
    dataDir: resolve(values['data-dir']),
    logLevel,
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['static-dir'] ? { staticDir: resolve(values['static-dir']) } : {}),
  }, { logger: createLogger(logLevel) });
  const shared = values.host !== '127.0.0.1' && values.host !== '::1' && values.host !== 'localhost';
  // The person at this computer leads their own war room; teammates get responder invites.
  const loopbackUrl = server.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  report({
    type: 'ready', url: loopbackUrl, publicUrl: server.publicUrl,
    leadToken: server.createToken('lead'), inviteToken: shared ? server.createToken('responder') : null,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  parentPort?.on('message', (e) => {
    if ((e.data as LocalServerControl | null)?.type === 'stop') stop();
  });
}

runDesktopServer(process.argv.slice(2)).catch((err: unknown) => {
  const message = `The war room server could not start: ${err instanceof Error ? err.message : String(err)}`;
  report({ type: 'failed', message });
  process.exitCode = 1;
  // Give a parent port time to deliver the message before the process ends.
  setTimeout(() => process.exit(1), 200).unref();
});
