/**
 * The `warroom` command: serve, backup, restore, token create, export. It parses flags (and their
 * env vars) and wires things; all behaviour lives in the modules it calls.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Server } from 'socket.io';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_BACKUP_EVERY_MIN, DEFAULT_BACKUP_KEEP, DEFAULT_HOST, DEFAULT_PORT, type LogLevel } from './config.ts';
import type { ServerDeps, WarRoomServer } from './createServer.ts';
import { inviteText, inviteTtlFromEnv, runTokenCommand, TOKEN_USAGE, TokenUsageError } from './access/tokenCommand.ts';
import { loadOrCreateSecret } from './auth.ts';
import { backupDataFile, restoreBackup } from './dataDir.ts';
import { incidentExists, recordedServerUrl, recordServerUrl, tokenPreflight } from './inviteTarget.ts';
import { DUTY_COMMAND_USAGE, DUTY_USAGE, dutyConfigFromFlags, dutyOptions, printWebhookSecret } from './duties/cliFlags.ts';

const USAGE = `Usage: warroom <command> [options]

Commands:
  serve                 Run the server (default store: SQLite in the data dir)
    --port N            Port, 0 for a free one          [WARROOM_PORT, default ${DEFAULT_PORT}]
    --host H            Interface to bind               [WARROOM_HOST, default ${DEFAULT_HOST}]
    --data-dir D        Secret, database, backups       [WARROOM_DATA_DIR, default ./.warroom]
    --database-url URL  Use PostgreSQL as the store     [DATABASE_URL]
    --redis-url URL     Fan out between nodes via Redis [REDIS_URL]
    --fanout-prefix P   Channel prefix of this deployment [WARROOM_FANOUT_PREFIX, default from the database]
    --public-url URL    Address people use, for invites [WARROOM_PUBLIC_URL]
    --backup-every-min N  Automatic backups, 0 = off    [WARROOM_BACKUP_EVERY_MIN, default ${DEFAULT_BACKUP_EVERY_MIN}]
    --backup-keep N     Automatic backups kept          [WARROOM_BACKUP_KEEP, default ${DEFAULT_BACKUP_KEEP}]
    --log-level L       fatal|error|warn|info|debug     [WARROOM_LOG_LEVEL, default info]
    --invite-expires T  Default invite lifetime, e.g. 12h, 7d, never  [WARROOM_INVITE_EXPIRES, default 7d]
    --demo              Seed the Black Friday demo incident if absent
${DUTY_USAGE}
    --init              Create a new, empty database where one is missing or empty (never replaces data)
  verify                Check the stored data read-only; per-incident report; exit 1 if anything is wrong
                        (alias: doctor)                     [--data-dir, --database-url]
  backup <file>         Consistent copy of the database, safe while serving   [--data-dir]
  restore <file>        Replace the database with a backup (server stopped); the old file is kept as warroom.db.bak
${TOKEN_USAGE}
  export ...            Export an incident (warroom export --help)
${DUTY_COMMAND_USAGE}
Cluster: every node needs the same WARROOM_SECRET (at least 32 characters); a node with DATABASE_URL refuses to start without it.
SIGTERM drains (in-flight ops are acked, clients move to other nodes) before exiting; WARROOM_NODE_ID names the node in logs.
Back up the secret (the data dir's 'secret' file, or WARROOM_SECRET) and access.db with the database: without them every invite and session is invalid.`;

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

export const FIRST_INVITE_FILE = 'first-invite.txt';

/**
 * The first lead invite goes apart from the JSON log stream (stdout): into a 0600 file in the
 * data dir, and onto stderr only when a person watches it (a TTY). Log collectors see neither.
 */
async function printFirstInvite(server: WarRoomServer, dataDir: string): Promise<void> {
  const m = await server.access.issueInvite('lead', { label: 'first start' });
  const file = join(dataDir, FIRST_INVITE_FILE);
  writeFileSync(file, inviteText(server.publicUrl, m.token, null, 'lead invite token (first start; `warroom token create` mints more)', m.claims), { mode: 0o600 });
  if (process.stderr.isTTY) process.stderr.write(readFileSync(file, 'utf8'));
  else process.stderr.write(`The first lead invite is in ${file} (readable by this user only). Open its link, then delete the file.\n`);
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse(args, {
    port: { type: 'string', default: env.WARROOM_PORT },
    host: { type: 'string', default: env.WARROOM_HOST ?? DEFAULT_HOST },
    'data-dir': dataDirOption,
    'database-url': { type: 'string', default: env.DATABASE_URL },
    'redis-url': { type: 'string', default: env.REDIS_URL },
    'fanout-prefix': { type: 'string', default: env.WARROOM_FANOUT_PREFIX },
    'public-url': { type: 'string', default: env.WARROOM_PUBLIC_URL },
    'backup-every-min': { type: 'string', default: env.WARROOM_BACKUP_EVERY_MIN },
    'backup-keep': { type: 'string', default: env.WARROOM_BACKUP_KEEP },
    'log-level': { type: 'string', default: env.WARROOM_LOG_LEVEL ?? 'info' },
    'invite-expires': { type: 'string', default: env.WARROOM_INVITE_EXPIRES },
    demo: { type: 'boolean', default: false },
    ...dutyOptions(env),
    init: { type: 'boolean', default: false },
  });
  let duty: ReturnType<typeof dutyConfigFromFlags>;
  try {
    duty = dutyConfigFromFlags(values);
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
  const inviteTtlMs = inviteTtlFromEnv(values['invite-expires']);
  const logLevel = values['log-level'] as LogLevel;
  // Loaded here, not at the top: backup, restore and token then start in a fraction of the time.
  const { createServer } = await import('./createServer.ts');
  const { createLogger, logCrashes } = await import('./logger.ts');
  const logger = createLogger(logLevel);
  logCrashes(logger);
  const databaseUrl = values['database-url'];
  const redisUrl = values['redis-url'];
  const deps: ServerDeps = { logger };
  if (databaseUrl) {
    const { createPostgresAccess } = await import('./access/postgres.ts');
    deps.access = createPostgresAccess({ connectionString: databaseUrl, onError: (err) => logger.error({ err }, 'access registry connection error') });
    const { createPostgresStore } = await import('./store/postgres.ts');
    deps.store = createPostgresStore({
      connectionString: databaseUrl,
      onWarning: (finding) => logger.warn({ finding }, 'store check'),
      onError: (err) => logger.error({ err }, 'database connection error'),
    });
    if (duty.webhooks.length > 0) deps.webhookQueue = (await import('./webhooks/queuePostgres.ts')).createPostgresWebhookQueue({ connectionString: databaseUrl });
  }
  if (databaseUrl || redisUrl) {
    const { attachFanout } = await import('./fanout.ts');
    deps.fanout = (io) => attachFanout(io as unknown as Server, {
      ...(redisUrl ? { redisUrl } : {}), ...(databaseUrl ? { databaseUrl } : {}),
      ...(values['fanout-prefix'] ? { channel: values['fanout-prefix'] } : {}),
      onError: (err, kind) => logger.error({ err, kind }, 'fan-out connection error; reconnecting'),
      onHealth: (up) => (up ? logger.info('fan-out connected') : logger.warn('fan-out down: broadcasts between nodes are lost until it is back')),
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
    ...duty,
    init: values.init,
    ...(inviteTtlMs !== undefined ? { inviteTtlMs } : {}),
  }, deps);
  // Recorded before the listening line, so `token create` run as soon as it shows links to this port.
  recordServerUrl(resolve(values['data-dir']), server.publicUrl);
  process.stdout.write(`listening on ${server.url}\n`);
  if (server.secretCreated) await printFirstInvite(server, resolve(values['data-dir']));
  await new Promise<void>((done) => {
    // Ctrl+C under `npm start` reaches this process twice: once from the terminal (same process
    // group) and once forwarded by scripts/start.ts. With `once`, the second SIGINT took Node's
    // default action and killed the server in the middle of finishing its commits. So a repeat
    // while stopping is logged and ignored; SIGKILL (or Ctrl+\) still ends it at once.
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'already shutting down; finishing commits first');
        return;
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: draining');
      server.drain(undefined, int(env.WARROOM_DRAIN_GRACE_MS, 'WARROOM_DRAIN_GRACE_MS') ?? 0).then(() => done(), (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
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


function webhookCommand(args: string[]): number {
  const { values, positionals } = parse(args, { 'data-dir': dataDirOption }, true);
  if (positionals[0] !== 'secret' || positionals.length !== 2) throw new UsageError('webhook takes: warroom webhook secret <[slack:]URL>');
  const secret = env.WARROOM_SECRET || loadOrCreateSecret(resolve(values['data-dir'])).secret;
  process.stdout.write(printWebhookSecret(secret, positionals[1]));
  return 0;
}

async function verify(args: string[]): Promise<number> {
  const { values } = parse(args, { 'data-dir': dataDirOption, 'database-url': { type: 'string', default: env.DATABASE_URL } });
  const { runVerify } = await import('./integrity/verifyCommand.ts');
  return runVerify({ dataDir: resolve(values['data-dir']), databaseUrl: values['database-url'] ?? null }, (l) => process.stdout.write(`${l}\n`));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': return await serve(rest);
      case 'backup': return backup(rest);
      case 'restore': return restore(rest);
      case 'token': {
        // The link carries the address the server on this data dir really listens on (not port 4000),
        // and an invite must not name an incident that does not exist (it would fail only when used).
        const pre = tokenPreflight(rest, env);
        if (pre.incident !== null && !(await incidentExists(pre.incident, { dataDir: pre.dataDir, databaseUrl: env.DATABASE_URL }))) {
          // The flags are right; the incident is not there. Say that alone, not the whole usage text.
          process.stderr.write(`There is no incident "${pre.incident}" on this server (data dir ${pre.dataDir}${env.DATABASE_URL ? ', DATABASE_URL' : ''}). Check the id in the incident list, or leave --incident out for an invite to every incident.\n`);
          return 2;
        }
        const publicUrl = env.WARROOM_PUBLIC_URL ? defaultPublicUrl() : recordedServerUrl(pre.dataDir) ?? defaultPublicUrl();
        return await runTokenCommand(rest, env, publicUrl, (t) => process.stdout.write(t));
      }
      case 'webhook': return webhookCommand(rest);
      case 'verify': case 'doctor': return await verify(rest);
      case 'export': return await (await import('./exportCommand.ts')).runExportCommand(rest);
      case undefined: case 'help': case '--help': case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof TokenUsageError) {
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
