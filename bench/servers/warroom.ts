/**
 * War Room's real server (createServer from server/createServer.ts) as a benchmark process:
 * SQLite with durable commits by default, or PostgreSQL when told. Only the rate limit is raised
 * (the throughput benchmark would otherwise measure the limiter), which the write-up states.
 */
import { createServer } from '../../server/createServer.ts';
import type { Limits } from '../../server/config.ts';
import type { Store } from '../../server/store/store.ts';
import type { AccessRegistry } from '../../server/access/registry.ts';
import { randomBytes } from 'node:crypto';
import { memoryAfterReducingGc, memoryNow, serveChild } from '../lib/proc.ts';

export interface WarRoomProcessArgs {
  dataDir: string;
  limits?: Partial<Limits>;
  postgres?: { connectionString: string; schema: string };
  /** The built renderer to serve (the renderer benchmark builds its own copy). */
  staticDir?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WarRoomProcessArgs;
let store: Store | undefined;
let access: AccessRegistry | undefined;
if (args.postgres) {
  const { createPostgresStore } = await import('../../server/store/postgres.ts');
  const { createPostgresAccess } = await import('../../server/access/postgres.ts');
  store = createPostgresStore(args.postgres);
  access = createPostgresAccess(args.postgres);
}
const t0 = performance.now();
const server = await createServer({
  dataDir: args.dataDir, port: 0, ...(args.staticDir ? { staticDir: args.staticDir } : {}), host: '127.0.0.1', logLevel: 'silent', backupEveryMin: 0,
  limits: { rateLimitPerSec: 1_000_000, rateLimitBurst: 1_000_000, ...args.limits },
  // A database-backed node needs a shared secret; one process is the whole cluster here.
  ...(store ? { secret: randomBytes(32).toString('hex') } : {}),
}, store && access ? { store, access } : {});
const startMs = performance.now() - t0;

serveChild({
  mem: () => memoryNow(),
  memReduced: () => memoryAfterReducingGc(),
  cpu: () => process.cpuUsage(),
  stats: () => ({ sockets: server.io.engine.clientsCount }),
  headOf: (a: { incidentId: string }) => server.incidentState(a.incidentId)?.headSeq ?? 0,
  cache: () => server.cacheStats(),
}, { url: server.url, token: server.createToken('lead', null), pid: process.pid, startMs }, () => server.close());
