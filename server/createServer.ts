/**
 * The server factory (CONVENTIONS rule 5): HTTP + socket.io on one port, the ordering engine,
 * the store, metrics and automatic backups. The CLI only parses flags and calls this.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import type { AccessRole } from '../shared/model.ts';
import { webInviteLink } from '../shared/invite.ts';
import type { CommittedOp } from '../shared/ops.ts';
import type { PresenceState } from '../shared/protocol.ts';
import { DRAIN_TIMEOUT_MS, INVITE_DEFAULT_TTL_MS, PRESENCE_BROADCAST_MS } from '../shared/constants.ts';
import { createAccess } from './access/access.ts';
import type { AccessRegistry } from './access/registry.ts';
import { accessFileOf, createSqliteAccess } from './access/sqlite.ts';
import { watchSessions } from './access/watch.ts';
import { checkSecret, loadOrCreateSecret } from './auth.ts';
import {
  DEFAULT_BACKUP_EVERY_MIN, DEFAULT_BACKUP_KEEP, DEFAULT_HOST, dutyConfigOf, limitsOf, maxPayloadOf, sqliteThreadOf, type ServerConfig,
} from './config.ts';
import { attachDuties, type AttachedDuties } from './duties/attach.ts';
import type { WebhookQueue } from './webhooks/queue.ts';
import { acquireLock, BACKUP_DIR, backupFileName, checkDataDirForStore, dbFileOf, pruneBackups, writeInitMarker } from './dataDir.ts';
import { reportOpenCheck } from './integrity/serverReport.ts';
import { seedDemo } from './demo.ts';
import { attachCluster } from './cluster/node.ts';
import { createSnapshotCache } from './cluster/sharedSnapshot.ts';
import { createEngine } from './engine.ts';
import { attachConnections } from './handlers/connection.ts';
import { incidentRoom, lobbyRoom, type Ctx, type IO, type WarSocket } from './handlers/context.ts';
import { startHeadHeartbeat } from './handlers/head.ts';
import { createHttpHandler } from './http.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createCoalescer, createPresence, presenceFromSockets } from './presence.ts';
import { createSqliteStore } from './store/sqlite.ts';
import { createThreadedSqliteStore } from './store/sqliteThreaded.ts';
import type { Store } from './store/store.ts';
import type { FanoutHealth } from './fanout.ts';
import type { TxRetryCounts } from './store/pgRetry.ts';

export type { ServerConfig } from './config.ts';

export interface ServerDeps {
  /** Defaults to SQLite in dataDir. The server opens it and closes it on close(). */
  store?: Store;
  /** Attaches a cross-node socket.io adapter; returns how to detach it. */
  fanout?: (io: IO) => Promise<(() => Promise<void>) & { health?: () => FanoutHealth }>;
  logger?: Logger;
  /** Durable queue for outbound webhooks; defaults to tables in the SQLite file (required with PostgreSQL and webhooks). */
  webhookQueue?: WebhookQueue;
  /** Token records, bindings, revocations. Defaults to access.db in dataDir; a PostgreSQL store needs the PostgreSQL one. */
  access?: AccessRegistry;
}

const DEFAULT_STATIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'renderer');

/**
 * Starts a War Room server and resolves once it listens. `url` has the real port (config.port 0
 * picks a free one). The server owns the store from here on: it opens it, validates it
 * (quarantining bad records) and closes it in `close()`, which also finishes queued commits.
 */
export async function createServer(config: ServerConfig, deps: ServerDeps = {}) {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const limits = limitsOf(config);
  const maxPayloadBytes = maxPayloadOf(config);
  const metrics = createMetrics();
  mkdirSync(config.dataDir, { recursive: true });

  let serving = false;
  // The embedded store runs on its own thread unless turned off (sqliteThread: false, WARROOM_SQLITE_THREAD=0).
  const makeSqlite = sqliteThreadOf(config) ? createThreadedSqliteStore : createSqliteStore;
  const store = deps.store ?? makeSqlite({
    file: dbFileOf(config.dataDir),
    // Findings of the open check are logged below; after it, this reports rows that fail when read.
    onWarning: (finding) => {
      if (!serving) return;
      metrics.integrityFailures.inc({ when: 'read' });
      logger.error({ finding }, 'stored record failed its integrity check when read');
      void store.quarantined().then((q) => metrics.quarantined.set(q.length), () => undefined);
    },
  });
  // The lock matters for the embedded file: restore must not swap it under a running server.
  const releaseLock = store.kind === 'sqlite' ? acquireLock(config.dataDir) : () => undefined;
  const cleanup: (() => Promise<void> | void)[] = [releaseLock];
  const undo = async () => {
    for (const fn of cleanup.reverse()) await fn();
  };
  try {
    if (config.secret !== undefined) checkSecret(config.secret);
    // A node of a cluster making up its own secret would refuse every other node's tokens.
    if (store.kind === 'postgres' && config.secret === undefined) {
      throw new Error('A database-backed node needs WARROOM_SECRET: every node of a cluster must sign with the same secret (at least 32 characters, e.g. openssl rand -hex 32).');
    }
    if (store.kind === 'postgres' && deps.access?.kind !== 'postgres') {
      throw new Error('A PostgreSQL store needs the PostgreSQL access registry (createPostgresAccess), so that bindings and revocations reach every node.');
    }
    const { secret, created } = config.secret ? { secret: config.secret, created: false } : loadOrCreateSecret(config.dataDir);
    const dataDirState = deps.store ? null : checkDataDirForStore(config.dataDir, config.init ?? false);
    const registry = deps.access ?? createSqliteAccess({ file: accessFileOf(config.dataDir) });
    await registry.open();
    cleanup.push(() => registry.close());
    const access = createAccess({
      registry, secret,
      inviteTtlMs: config.inviteTtlMs === undefined ? INVITE_DEFAULT_TTL_MS : config.inviteTtlMs,
      onError: (err) => logger.error({ err }, 'access registry write failed'),
    });
    cleanup.push(() => access.settle());
    const opened = await store.open();
    cleanup.push(() => store.close());
    if (dataDirState) {
      writeInitMarker(config.dataDir);
      if (dataDirState.newInstall) logger.info({ dataDir: config.dataDir }, 'new data dir: created an empty database');
    }
    reportOpenCheck(opened, metrics, logger);
    metrics.quarantined.set((await store.quarantined()).length);
    serving = true;
    if (config.demo) {
      const seeded = await seedDemo(store);
      if (seeded.added > 0) logger.info(seeded, 'demo incident seeded');
    }

    const presence = createPresence();
    const httpServer = createHttpServer();
    const io: IO = new Server(httpServer, {
      transports: ['websocket'],
      serveClient: false,
      // Past this the transport drops the connection; below it, messages over maxPayloadBytes get a sentence.
      maxHttpBufferSize: maxPayloadBytes * 4,
    });
    let ready = false;
    let shuttingDown = false;

    const publishSummary = (incidentId: string) => {
      const s = engine.summary(incidentId);
      if (!s) return;
      io.to(lobbyRoom(null)).to(lobbyRoom(incidentId)).emit('incident:summary', { ...s, online: presence.online(incidentId) });
    };
    let duties: AttachedDuties | null = null;
    const engine = createEngine({
      store, logger, metrics, limits,
      // Its own SQLite file under the data dir's lock: no other writer (a store handed in may be shared).
      soleWriter: !deps.store && store.kind === 'sqlite',
      hooks: {
        onCommitted: (op: CommittedOp) => {
          io.to(incidentRoom(op.incidentId)).emit('op:committed', op);
          duties?.onCommitted(op);
        },
        onSummaryChanged: publishSummary,
      },
    });
    // With a fan-out adapter, members on other nodes count too: ask every node for the room's sockets.
    const presenceOf = async (incidentId: string): Promise<PresenceState> => {
      if (!deps.fanout) return presence.state(incidentId);
      try {
        return presenceFromSockets(incidentId, await io.in(incidentRoom(incidentId)).fetchSockets());
      } catch (err) {
        logger.warn({ err, incidentId }, 'presence: other nodes did not answer; sending this node\'s view');
        return presence.state(incidentId);
      }
    };
    // One 'presence:state' per room and one online-count summary per incident every
    // PRESENCE_BROADCAST_MS at most: re-sending the whole list to the whole room on every join made a
    // storm of N joins O(N²) messages, and clients drowned in them. Sends overlap never, so a late
    // answer from other nodes cannot overwrite a newer one.
    const presenceOut = createCoalescer(PRESENCE_BROADCAST_MS, async (incidentId) => {
      // Sockets leaving during close() must not ask nodes through an adapter that is shutting down.
      if (shuttingDown) return;
      const state = await presenceOf(incidentId);
      if (!shuttingDown) io.to(incidentRoom(incidentId)).emit('presence:state', state);
    });
    const onlineOut = createCoalescer(PRESENCE_BROADCAST_MS, (incidentId) => {
      if (!shuttingDown) publishSummary(incidentId);
    });
    const sendPresenceTo = (socket: WarSocket, incidentId: string) => {
      // Across nodes the exact list needs a round trip to every node per join; the joiner gets the
      // room's next (coalesced) list instead, rather than a partial one that shows others offline.
      if (!deps.fanout) socket.emit('presence:state', presence.state(incidentId));
    };
    const ctx: Ctx = {
      io, engine, store, presence, logger, metrics, publishSummary, sendPresenceTo,
      publishPresence: presenceOut.mark, publishOnline: onlineOut.mark, snapshots: createSnapshotCache(),
    };
    await engine.start();
    // Before the feature handlers: its gate (drain, admission control) runs first.
    const txRetries = (store as { txRetries?: TxRetryCounts }).txRetries;
    const cluster = attachCluster(io, { logger, metrics, ...(txRetries ? { txRetries } : {}) }, config.cluster);
    cleanup.push(() => cluster.close());
    const attached = await attachDuties({
      config: dutyConfigOf(config), io, engine, store, logger, metrics, secret, registry, storeKind: store.kind, sqliteFile: dbFileOf(config.dataDir),
      ...(deps.webhookQueue ? { webhookQueue: deps.webhookQueue } : {}),
    });
    duties = attached;
    cleanup.push(() => attached.close());
    attachConnections(io, ctx, { access, limits, maxPayloadBytes });
    cleanup.push(startHeadHeartbeat(ctx).stop);
    const sessions = watchSessions(io, registry, logger);
    cleanup.push(() => sessions.close());
    if (deps.fanout) {
      const detach = await deps.fanout(io);
      cleanup.push(detach);
      cluster.setFanout(detach.health);
    } else {
      cluster.setFanout(undefined);
    }
    httpServer.on('request', createHttpHandler({
      store, metrics, logger, staticDir: config.staticDir ?? DEFAULT_STATIC_DIR,
      isReady: () => ready && !cluster.draining(), fanoutHealth: cluster.refresh, routes: attached.routes,
    }));

    const host = config.host ?? DEFAULT_HOST;
    await new Promise<void>((ok, fail) => {
      httpServer.once('error', fail);
      httpServer.listen(config.port ?? 0, host, () => {
        httpServer.off('error', fail);
        ok();
      });
    });
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const publicUrl = config.publicUrl ?? url;
    ready = true;
    attached.start();

    const backupDir = join(config.dataDir, BACKUP_DIR);
    const backupKeep = config.backupKeep ?? DEFAULT_BACKUP_KEEP;
    // Written beside the backups and moved in when whole: the store may write it on another thread
    // (sqliteThreaded.ts), and backups/ never shows a half-written file or more than backupKeep.
    const partial = join(config.dataDir, '.backup-partial.db');
    const writeBackup = async (): Promise<string> => {
      const file = join(backupDir, backupFileName());
      try {
        await store.backup(partial);
        mkdirSync(backupDir, { recursive: true });
        renameSync(partial, file);
        pruneBackups(backupDir, backupKeep);
        metrics.backups.inc({ result: 'ok' });
        logger.info({ file }, 'backup written');
        return file;
      } catch (err) {
        metrics.backups.inc({ result: 'failed' });
        logger.error({ err, file }, 'backup failed');
        throw err;
      }
    };
    // One backup at a time: an explicit one waits for the running one; a timer tick during one is skipped.
    let backups: Promise<unknown> = Promise.resolve();
    let backingUp = 0;
    const backupNow = (): Promise<string> => {
      backingUp++;
      const run = backups.then(writeBackup).finally(() => backingUp--);
      backups = run.catch(() => undefined);
      return run;
    };
    const everyMin = config.backupEveryMin ?? DEFAULT_BACKUP_EVERY_MIN;
    const timer = store.kind === 'sqlite' && everyMin > 0
      ? setInterval(() => void (backingUp === 0 && backupNow().catch(() => undefined)), everyMin * 60_000).unref()
      : null;

    logger.info({ url, store: store.kind, dataDir: config.dataDir }, 'listening');
    let closing: Promise<void> | null = null;
    return {
      url,
      publicUrl,
      port,
      io,
      store,
      metrics,
      logger,
      /** True when this start created the secret: the time to print the first lead invite. */
      secretCreated: created,
      /** An invite (recorded in the background; use access.issueInvite to await it). */
      createToken: (role: AccessRole, incidentId: string | null = null, ttlMs?: number | null) => access.inviteNow(role, { incidentId, ttlMs }),
      /** A session for a member id, as `warroom token create --member` makes (tests connect the same id twice with it). */
      createSession: (memberId: string, role: AccessRole, incidentId: string | null = null) => access.sessionNow(memberId, role, { incidentId }),
      access,
      inviteLink: (token: string, incidentId: string | null = null) => webInviteLink(publicUrl, token, incidentId),
      /** The state as this node folded it (tests, CLI). */
      incidentState: (incidentId: string) => engine.state(incidentId),
      /** The engine's incident cache: how many are in memory, how many cold, estimated bytes (tests, benchmarks). */
      cacheStats: () => engine.cacheStats(),
      backupNow,
      /** Cluster internals for tests and the CLI: admission control, slow consumers, drain state. */
      cluster,
      /**
       * SIGTERM: /readyz 503, new work refused SHUTTING_DOWN, in-flight ops committed and acked,
       * clients told 'server:draining' and disconnected so they reconnect elsewhere; then close().
       * Bounded by timeoutMs (the close after it is not). readyGraceMs: a pause after /readyz turns
       * 503 and before connections close, for load balancers that poll it (WARROOM_DRAIN_GRACE_MS).
       */
      async drain(timeoutMs = DRAIN_TIMEOUT_MS, readyGraceMs = 0) {
        const left = await cluster.drain(timeoutMs, () => engine.close(), readyGraceMs);
        await this.close();
        return left;
      },
      /** The clock, outbound webhooks (tests drive a scan or read delivery status). */
      duties: attached,
      close(): Promise<void> {
        closing ??= (async () => {
          ready = false;
          shuttingDown = true;
          if (timer) clearInterval(timer);
          presenceOut.close();
          onlineOut.close();
          await new Promise<void>((ok) => {
            void io.close(() => ok());
            httpServer.closeAllConnections();
          });
          await engine.close();
          // Duties and the webhook queue close before the store (undo), after the last commit queued its events.
          await undo();
          logger.info('closed');
        })();
        return closing;
      },
    };
  } catch (e) {
    await undo().catch(() => undefined);
    throw e;
  }
}

export type WarRoomServer = Awaited<ReturnType<typeof createServer>>;
