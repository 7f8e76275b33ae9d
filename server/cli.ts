/**
 * The `warroom` command: serve, backup, restore, token create, export. It parses flags (and their
 * env vars) and wires things; all behaviour lives in the modules it calls.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Server } from 'socket.io';
import { deepInviteLink, webInviteLink } from '../shared/invite.ts';
import { ACCESS_ROLES, type AccessRole } from '../shared/model.ts';
import { idSchema } from '../shared/ops.ts';
import { createToken, loadOrCreateSecret } from './auth.ts';
import { DEFAULT_BACKUP_EVERY_MIN, DEFAULT_BACKUP_KEEP, DEFAULT_HOST, DEFAULT_PORT, type LogLevel } from './config.ts';
import type { ServerDeps } from './createServer.ts';
import { backupDataFile, restoreBackup } from './dataDir.ts';
import { incidentExists, recordedServerUrl, recordServerUrl } from './tokenCommand.ts';

const USAGE = `Usage: warroom <command> [options]

Commands:
  serve                 Run the server (default store: SQLite in the data dir)
    --port N            Port, 0 for a free one          [WARROOM_PORT, default ${DEFAULT_PORT}]
    --host H            Interface to bind               [WARROOM_HOST, default ${DEFAULT_HOST}]
    --data-dir D        Secret, database, backups       [WARROOM_DATA_DIR, default ./.warroom]
    --database-url URL  Use PostgreSQL as the store     [DATABASE_URL]
    --redis-url URL     Fan out between nodes via Redis [REDIS_URL]
    --public-url URL    Address people use, for invites [WARROOM_PUBLIC_URL]
    --backup-every-min N  Automatic backups, 0 = off    [WARROOM_BACKUP_EVERY_MIN, default ${DEFAULT_BACKUP_EVERY_MIN}]
    --backup-keep N     Automatic backups kept          [WARROOM_BACKUP_KEEP, default ${DEFAULT_BACKUP_KEEP}]
    --log-level L       fatal|error|warn|info|debug     [WARROOM_LOG_LEVEL, default info]
    --demo              Seed the Black Friday demo incident if absent
  backup <file>         Consistent copy of the database, safe while serving   [--data-dir]
  restore <file>        Replace the database with a backup (server stopped); the old file is kept as warroom.db.bak
  token create --role lead|responder|viewer [--incident ID]   Mint an invite   [--data-dir, --public-url, --port]
                        The link uses --public-url, else the address the server on this data dir
                        last listened on, else --port. --incident must name an existing incident.
  export ...            Export an incident (warroom export --help)
Cluster: every node needs the same WARROOM_SECRET (or the same secret file).`;

const env = process.env;
const dataDirOption = { type: 'string', default: env.WARROOM_DATA_DIR ?? './.warroom' } as const;

class UsageError extends Error {}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
}

function int(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number of at least ${min} (got "${value}").`);
  return n;
}

const defaultPublicUrl = () => env.WARROOM_PUBLIC_URL || `http://${env.WARROOM_HOST || DEFAULT_HOST}:${env.WARROOM_PORT || DEFAULT_PORT}`;

function printInvite(publicUrl: string, token: string, incidentId: string | null, what: string): void {
  process.stdout.write(`${what}: ${token}\n`);
  process.stdout.write(`web link: ${webInviteLink(publicUrl, token, incidentId)}\n`);
  process.stdout.write(`desktop link: ${deepInviteLink(publicUrl, token, incidentId)}\n`);
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string', default: env.WARROOM_PORT },
    host: { type: 'string', default: env.WARROOM_HOST ?? DEFAULT_HOST },
    'data-dir': dataDirOption,
    'database-url': { type: 'string', default: env.DATABASE_URL },
    'redis-url': { type: 'string', default: env.REDIS_URL },
    'public-url': { type: 'string', default: env.WARROOM_PUBLIC_URL },
    'backup-every-min': { type: 'string', default: env.WARROOM_BACKUP_EVERY_MIN },
    'backup-keep': { type: 'string', default: env.WARROOM_BACKUP_KEEP },
    'log-level': { type: 'string', default: env.WARROOM_LOG_LEVEL ?? 'info' },
    demo: { type: 'boolean', default: false },
  });
  const logLevel = values['log-level'] as LogLevel;
  // Loaded here, not at the top: backup, restore and token then start in a fraction of the time.
  const { createServer } = await import('./createServer.ts');
  const { createLogger } = await import('./logger.ts');
  const logger = createLogger(logLevel);
  const databaseUrl = values['database-url'];
  const redisUrl = values['redis-url'];
  const deps: ServerDeps = { logger };
  if (databaseUrl) {
    const { createPostgresStore } = await import('./store/postgres.ts');
    deps.store = createPostgresStore({
      connectionString: databaseUrl,
      onWarning: (finding) => logger.warn({ finding }, 'store check'),
      onError: (err) => logger.error({ err }, 'database connection error'),
    });
  }
  if (databaseUrl || redisUrl) {
    const { attachFanout } = await import('./fanout.ts');
    deps.fanout = (io) => attachFanout(io as unknown as Server, {
      ...(redisUrl ? { redisUrl } : {}), ...(databaseUrl ? { databaseUrl } : {}),
      onError: (err) => logger.error({ err }, 'fan-out connection error'),
    });
  }
  const server = await createServer({
    host: values.host,
    port: int(values.port, '--port') ?? DEFAULT_PORT,
    dataDir: resolve(values['data-dir']),
    logLevel,
    backupEveryMin: int(values['backup-every-min'], '--backup-every-min'),
    backupKeep: int(values['backup-keep'], '--backup-keep', 1),
    publicUrl: values['public-url'] || undefined,
    secret: env.WARROOM_SECRET || undefined,
    demo: values.demo,
  }, deps);
  // Recorded before the listening line, so `token create` run as soon as it shows links to this port.
  recordServerUrl(resolve(values['data-dir']), server.publicUrl);
  process.stdout.write(`listening on ${server.url}\n`);
  if (server.secretCreated) {
    printInvite(server.publicUrl, server.createToken('lead'), null, 'lead invite token (printed once; `warroom token create` mints more)');
  }
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      server.close().then(done, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        done();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function backup(args: string[]): number {
  const { values, positionals } = parse(args, { 'data-dir': dataDirOption }, true);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('backup takes one file name: warroom backup <file>');
  if (env.DATABASE_URL) throw new Error('DATABASE_URL is set: this server keeps its data in PostgreSQL. Back it up with pg_dump; warroom backup copies the embedded SQLite store.');
  const r = backupDataFile(resolve(values['data-dir']), resolve(file));
  process.stdout.write(`backup written to ${resolve(file)} (${r.incidents} incidents, ${r.ops} ops)\n`);
  return 0;
}

function restore(args: string[]): number {
  const { values, positionals } = parse(args, { 'data-dir': dataDirOption }, true);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('restore takes one file name: warroom restore <file>');
  const r = restoreBackup(resolve(values['data-dir']), resolve(file));
  process.stdout.write(`restored ${resolve(file)} (${r.incidents} incidents, ${r.ops} ops)${r.previous ? `; the previous database is kept as ${r.previous}` : ''}\n`);
  return 0;
}

async function token(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    role: { type: 'string' },
    incident: { type: 'string' },
    'data-dir': dataDirOption,
    'public-url': { type: 'string', default: env.WARROOM_PUBLIC_URL },
    port: { type: 'string' },
  }, true);
  if (positionals[0] !== 'create' || positionals.length > 1) throw new UsageError('token takes the subcommand create: warroom token create --role lead|responder|viewer [--incident ID]');
  const role = values.role as AccessRole | undefined;
  if (!role || !ACCESS_ROLES.includes(role)) throw new UsageError(`--role must be one of ${ACCESS_ROLES.join(', ')}.`);
  const incident = values.incident ?? null;
  if (incident !== null && !idSchema.safeParse(incident).success) throw new UsageError('--incident must be an incident id (letters, digits and _ . : -).');
  const dataDir = resolve(values['data-dir']);
  const port = int(values.port, '--port');
  const publicUrl = values['public-url'] || (port !== undefined ? `http://${env.WARROOM_HOST || DEFAULT_HOST}:${port}` : recordedServerUrl(dataDir) ?? defaultPublicUrl());
  if (incident !== null && !(await incidentExists(incident, { dataDir, databaseUrl: env.DATABASE_URL }))) {
    throw new UsageError(`There is no incident "${incident}" on this server (data dir ${dataDir}${env.DATABASE_URL ? ', DATABASE_URL' : ''}). Check the id in the incident list, or leave --incident out for an invite to every incident.`);
  }
  const secret = env.WARROOM_SECRET || loadOrCreateSecret(dataDir).secret;
  printInvite(publicUrl, createToken(secret, role, incident), incident, `${role} invite token${incident ? ` for ${incident}` : ''}`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': return await serve(rest);
      case 'backup': return backup(rest);
      case 'restore': return restore(rest);
      case 'token': return await token(rest);
      case 'export': return await (await import('./exportCommand.ts')).runExportCommand(rest);
      case undefined: case 'help': case '--help': case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    const message = err.code === 'EADDRINUSE'
      ? `${err.message}. Another program uses that port: choose another with --port (0 picks a free one).`
      : err.message;
    process.stderr.write(`warroom ${command}: ${message}\n`);
    return 1;
  }
}

// import.meta.main is Node >= 22.18 / 24.2; the argv comparison covers older runtimes.
if (import.meta.main ?? resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
