/**
 * War Room's real server (createServer from server/createServer.ts) as a benchmark process:
 * SQLite with durable commits by default, or PostgreSQL when told. Only the rate limit is raised
 * (the throughput benchmark would otherwise measure the limiter), which the write-up states.
 */
import type { Server } from 'socket.io';
import { createServer, type ServerDeps } from '../../server/createServer.ts';
import type { Limits } from '../../server/config.ts';
import type { Store } from '../../server/store/store.ts';
import type { AccessRegistry } from '../../server/access/registry.ts';
import { randomBytes } from 'node:crypto';
import { memoryAfterReducingGc, memoryNow, serveChild } from '../lib/proc.ts';
import { profiler } from '../lib/profile.ts';

export interface WarRoomProcessArgs {
  dataDir: string;
  limits?: Partial<Limits>;
  postgres?: { connectionString: string; schema: string; maxConnections?: number };
  /** The built renderer to serve (the renderer benchmark builds its own copy). */
  staticDir?: string;
  /** 0 runs no duty clock: a seeded incident with old timestamps owes reminders the server would write, moving its head. */
  dutyScanMs?: number;
  /** Cross-node fan-out (server/fanout.ts, as `serve --redis-url` attaches it): a node of a cluster. */
  fanout?: { redisUrl: string; channel: string };
  /** Signing secret shared by the nodes of a cluster; default a fresh one (one process is the whole cluster). */
  secret?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WarRoomProcessArgs;
let store: Store | undefined;
let access: AccessRegistry | undefined;
let fanout: ServerDeps['fanout'];
if (args.postgres) {
  const { createPostgresStore } = await import('../../server/store/postgres.ts');
  const { createPostgresAccess } = await import('../../server/access/postgres.ts');
  store = createPostgresStore(args.postgres);
  access = createPostgresAccess({ connectionString: args.postgres.connectionString, schema: args.postgres.schema });
}
let fanoutErrors = 0;
if (args.fanout) {
  const { attachFanout } = await import('../../server/fanout.ts');
  const f = args.fanout;
  fanout = (io) => attachFanout(io as unknown as Server, {
    redisUrl: f.redisUrl, channel: f.channel,
    onError: (err, kind) => {
      fanoutErrors++;
      if (fanoutErrors <= 3) console.error(`warroom bench node: fan-out error (${kind}): ${err.message}`);
    },
  });
}
const t0 = performance.now();
const server = await createServer({
  dataDir: args.dataDir, port: 0, ...(args.staticDir ? { staticDir: args.staticDir } : {}), host: '127.0.0.1', logLevel: 'silent', backupEveryMin: 0,
  ...(args.dutyScanMs !== undefined ? { dutyScanMs: args.dutyScanMs } : {}),
  limits: { rateLimitPerSec: 1_000_000, rateLimitBurst: 1_000_000, ...args.limits },
  // A database-backed node needs a shared secret; without one given, one process is the whole cluster.
  ...(store || args.secret ? { secret: args.secret ?? randomBytes(32).toString('hex') } : {}),
}, { ...(store && access ? { store, access } : {}), ...(fanout ? { fanout } : {}) });
const startMs = performance.now() - t0;

serveChild({
  mem: () => memoryNow(),
  memReduced: () => memoryAfterReducingGc(),
  cpu: () => process.cpuUsage(),
  stats: () => ({ sockets: server.io.engine.clientsCount, fanoutErrors }),
  headOf: (a: { incidentId: string }) => server.incidentState(a.incidentId)?.headSeq ?? 0,
  cache: () => server.cacheStats(),
  ...profiler(),
}, { url: server.url, token: server.createToken('lead', null), pid: process.pid, startMs }, () => server.close());
