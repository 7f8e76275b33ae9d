/**
 * Wires the server's duties into one server: the clock (escalations, reminders), notices after
 * committed ops, the monitoring webhook endpoint, outbound webhooks and their status endpoint.
 * createServer calls attachDuties once and forwards every committed op to onCommitted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import type { CommittedOp } from '../../shared/ops.ts';
import type { AccessRegistry } from '../access/registry.ts';
import type { Engine } from '../engine.ts';
import type { IO } from '../handlers/context.ts';
import { incidentRoom, lobbyRoom } from '../handlers/context.ts';
import { checkBearer } from '../hooks/bearer.ts';
import { createHookHandler } from '../hooks/handler.ts';
import type { DeclareRule } from '../hooks/route.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { createDispatcher, type WebhookTarget, type WebhookTiming } from '../webhooks/dispatcher.ts';
import type { Store } from '../store/store.ts';
import type { WebhookQueue } from '../webhooks/queue.ts';
import { createSqliteWebhookQueue } from '../webhooks/queueSqlite.ts';
import { noticeFor } from './notices.ts';
import { createDuties } from './scheduler.ts';

export interface DutyConfig {
  escalateAfterMin: number;
  scanMs: number;
  declareFromAlerts: readonly DeclareRule[];
  webhooks: readonly WebhookTarget[];
  webhookTiming?: Partial<WebhookTiming>;
  now?: () => number;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface AttachArgs {
  config: DutyConfig;
  io: IO;
  engine: Engine;
  logger: Logger;
  metrics: Metrics;
  secret: string;
  registry: Pick<AccessRegistry, 'anyRevoked'>;
  /** The store's kind decides the default queue: SQLite shares the data file, PostgreSQL needs one given. */
  storeKind: 'sqlite' | 'postgres';
  sqliteFile: string;
  webhookQueue?: WebhookQueue;
  store: Pick<Store, 'listIncidentIds' | 'headSeq' | 'readOps' | 'latestSnapshot'>;
}

export async function attachDuties(a: AttachArgs) {
  const { config, io, engine, logger } = a;
  let queue: WebhookQueue | null = null;
  if (config.webhooks.length > 0) {
    queue = a.webhookQueue ?? (a.storeKind === 'sqlite' ? createSqliteWebhookQueue(a.sqliteFile) : null);
    if (!queue) throw new Error('Outbound webhooks on PostgreSQL need a webhook queue on the same database (the CLI creates it from --database-url).');
    await queue.open();
  }
  const testEnqueueDelayMs = Number(process.env.WARROOM_TEST_WEBHOOK_ENQUEUE_DELAY_MS) || 0;
  if (queue && testEnqueueDelayMs > 0) logger.warn({ testEnqueueDelayMs }, 'WARROOM_TEST_WEBHOOK_ENQUEUE_DELAY_MS is set: webhook events are queued late (test only; unset it)');
  const dispatcher = queue
    ? createDispatcher({
      queue, targets: config.webhooks, serverSecret: a.secret, logger, registry: a.metrics.registry, store: a.store,
      ...(config.webhookTiming ? { timing: config.webhookTiming } : {}),
      // Test only: lets test/webhooks/crash.test.ts kill the process between a commit and its enqueue.
      testEnqueueDelayMs,
    })
    : null;
  const dutyOps = new Counter({
    name: 'warroom_duty_ops_total', help: 'Duty ops this node submitted, by op type and outcome (written, duplicate: another node was first, refused).',
    labelNames: ['type', 'outcome'] as const, registers: [a.metrics.registry],
  });
  const duties = createDuties({
    engine, store: a.store, logger, escalateAfterMin: config.escalateAfterMin, scanMs: config.scanMs, ...(config.now ? { now: config.now } : {}),
    onOutcome: (type, outcome) => dutyOps.inc({ type, outcome }),
  });
  const hooks = createHookHandler({ secret: a.secret, registry: a.registry, engine, store: a.store, logger, declareFromAlerts: config.declareFromAlerts });

  const webhookStatus: Route = async (req, res) => {
    const auth = await checkBearer(req, a.secret, a.registry, 'lead');
    const allowed = auth.ok && auth.claims.incidentId === null;
    const body = allowed
      ? JSON.stringify({ ok: true, webhooks: dispatcher ? await dispatcher.status() : [] })
      : JSON.stringify({ ok: false, code: 'LEAD_ONLY', message: 'Webhook status needs a lead token for every incident (Authorization: Bearer …).' });
    res.writeHead(allowed ? 200 : 401, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(body);
  };

  return {
    routes: { '/hooks/alertmanager': hooks, '/hooks/grafana': hooks, '/admin/webhooks': webhookStatus } as Record<string, Route>,
    duties,
    dispatcher,
    onCommitted(op: CommittedOp): void {
      const state = engine.state(op.incidentId);
      const notice = noticeFor(op, state);
      if (notice) io.to(incidentRoom(op.incidentId)).to(lobbyRoom(null)).to(lobbyRoom(op.incidentId)).emit('incident:notice', notice);
      dispatcher?.onCommitted(op, state);
    },
    start(): void {
      duties.start();
      dispatcher?.start();
    },
    async close(): Promise<void> {
      await duties.close();
      await dispatcher?.close();
      await queue?.close();
    },
  };
}

export type AttachedDuties = Awaited<ReturnType<typeof attachDuties>>;
