/**
 * Outbound webhooks: every committed op that makes an event is queued durably, once per configured
 * webhook, by the node that committed it (each op is committed by exactly one node); a reconcile
 * pass (reconcile.ts) queues again what a crash between commit and enqueue left out. One loop per
 * webhook, on the node holding that webhook's lease, delivers the queue head, signed, and retries it
 * with exponential backoff; nothing behind it goes first, so a receiver sees events in order.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import {
  WEBHOOK_LEASE_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_POLL_MS, WEBHOOK_RECONCILE_EVERY_MS, WEBHOOK_RECONCILE_WINDOW_MS, WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_MAX_MS,
  WEBHOOK_SETTLE_MS, WEBHOOK_TIMEOUT_MS,
} from '../../shared/constants.ts';
import type { IncidentState } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { Logger } from '../logger.ts';
import { bodyFor, eventOf, type WebhookEvent, type WebhookFormat } from './events.ts';
import type { WebhookQueue } from './queue.ts';
import { createReconciler, type ReconcileStore } from './reconcile.ts';
import { signature, webhookSecret } from './sign.ts';

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
}

export interface WebhookTiming {
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  pollMs: number;
  leaseMs: number;
  timeoutMs: number;
  settleMs: number;
  /** How often the reconcile pass re-enqueues the events of recent ops (reconcile.ts), and how far back (ms). */
  reconcileEveryMs: number;
  reconcileWindowMs: number;
}

export const DEFAULT_WEBHOOK_TIMING: WebhookTiming = {
  retryBaseMs: WEBHOOK_RETRY_BASE_MS, retryMaxMs: WEBHOOK_RETRY_MAX_MS, maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  pollMs: WEBHOOK_POLL_MS, leaseMs: WEBHOOK_LEASE_MS, timeoutMs: WEBHOOK_TIMEOUT_MS, settleMs: WEBHOOK_SETTLE_MS,
  reconcileEveryMs: WEBHOOK_RECONCILE_EVERY_MS, reconcileWindowMs: WEBHOOK_RECONCILE_WINDOW_MS,
};

/** `https://…` (War Room JSON) or `slack:https://…` (a Slack-compatible `{ text }` body). */
export function parseWebhookSpec(spec: string): WebhookTarget {
  const slack = spec.startsWith('slack:');
  const url = slack ? spec.slice('slack:'.length) : spec.startsWith('json:') ? spec.slice('json:'.length) : spec;
  if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new Error(`webhook "${spec.slice(0, 80)}" must be an http(s) URL, optionally prefixed slack:`);
  return { url, format: slack ? 'slack' : 'json' };
}

export const webhookIdOf = (url: string): string => `wh_${createHash('sha256').update(url).digest('hex').slice(0, 16)}`;

/** The URL without credentials or query (Slack URLs carry their secret in the path: keep only the host). */
export const redactedUrl = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid)';
  }
};

export const backoffMs = (attempts: number, t: Pick<WebhookTiming, 'retryBaseMs' | 'retryMaxMs'>): number =>
  Math.min(t.retryMaxMs, t.retryBaseMs * 2 ** Math.max(0, attempts - 1));

export interface DispatcherOptions {
  queue: WebhookQueue;
  targets: readonly WebhookTarget[];
  serverSecret: string;
  logger: Logger;
  registry: Registry;
  timing?: Partial<WebhookTiming>;
  /** The op log the reconcile pass re-derives events from; without it a crash after a commit can lose that op's event. */
  store?: ReconcileStore;
  /**
   * TEST ONLY (WARROOM_TEST_WEBHOOK_ENQUEUE_DELAY_MS): waits this long before each live enqueue, so a
   * test can kill the process between an op's commit and its event's enqueue. Never set it in production.
   */
  testEnqueueDelayMs?: number;
}

export function createDispatcher(options: DispatcherOptions) {
  const { queue, logger } = options;
  const timing = { ...DEFAULT_WEBHOOK_TIMING, ...options.timing };
  const holder = randomUUID();
  const targets = options.targets.map((t) => ({ ...t, id: webhookIdOf(t.url), secret: webhookSecret(options.serverSecret, t.url) }));
  const ids = targets.map((t) => t.id);
  const deliveries = new Counter({
    name: 'warroom_webhook_deliveries_total', help: 'Outbound webhook attempts by webhook id and result (delivered, failed, dead).',
    labelNames: ['webhook', 'result'] as const, registers: [options.registry],
  });
  const enqueueFailures = new Counter({ name: 'warroom_webhook_enqueue_failures_total', help: 'Events that could not be queued.', registers: [options.registry] });
  const reconciled = new Counter({
    name: 'warroom_webhook_reconciled_total', help: 'Events the reconcile pass found missing from the queue and queued (lost to a crash or a failed enqueue, or ahead of their live enqueue).',
    registers: [options.registry],
  });
  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const wakers = new Map<string, () => void>();
  const loops: Promise<void>[] = [];
  const aborts = new Set<AbortController>();
  let reconcileLoop: Promise<void> = Promise.resolve();

  const enqueue = async (event: WebhookEvent, order: { at: number; seq: number }): Promise<number> => {
    const added = await queue.enqueue(ids, event.id, JSON.stringify(event), order, Date.now());
    for (const id of ids) wakers.get(id)?.();
    return added;
  };
  const reconciler = options.store
    ? createReconciler({
      store: options.store, logger, windowMs: timing.reconcileWindowMs,
      enqueue: async (op, event) => {
        const added = await enqueue(event, { at: op.serverTime, seq: op.seq });
        reconciled.inc(added);
        return added;
      },
    })
    : null;

  const sleep = (id: string, ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wakers.delete(id);
      resolve();
    }
    wakers.set(id, done);
  });

  async function attempt(t: (typeof targets)[number], event: WebhookEvent): Promise<{ status: number | null; error: string }> {
    const body = bodyFor(t.format, event);
    const ts = Math.floor(Date.now() / 1000);
    const abort = new AbortController();
    aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), timing.timeoutMs);
    try {
      const res = await fetch(t.url, {
        method: 'POST', body, signal: abort.signal, redirect: 'manual',
        headers: {
          'content-type': 'application/json', 'user-agent': 'WarRoom-Webhook/1', 'x-warroom-event': event.type,
          'x-warroom-event-id': event.id, 'x-warroom-timestamp': String(ts), 'x-warroom-signature': signature(t.secret, ts, body),
        },
      });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status, error: res.ok ? '' : `HTTP ${res.status}` };
    } catch (e) {
      return { status: null, error: (e as Error).message || 'request failed' };
    } finally {
      clearTimeout(timer);
      aborts.delete(abort);
    }
  }

  /** Until when this node holds each webhook's lease; renewed once a third of it has passed, not per delivery. */
  const leasedUntil = new Map<string, number>();

  async function holdLease(id: string): Promise<boolean> {
    const now = Date.now();
    if ((leasedUntil.get(id) ?? 0) - now > (timing.leaseMs * 2) / 3) return true;
    if (await queue.lease(id, holder, now, timing.leaseMs)) {
      leasedUntil.set(id, now + timing.leaseMs);
      return true;
    }
    leasedUntil.delete(id);
    return false;
  }

  async function step(t: (typeof targets)[number]): Promise<number> {
    if (!(await holdLease(t.id))) return timing.pollMs;
    const d = await queue.head(t.id);
    if (!d) return timing.pollMs;
    const wait = Math.max(d.nextAt, d.createdAt + timing.settleMs) - Date.now();
    if (wait > 0) return Math.min(wait, timing.pollMs);
    const r = await attempt(t, JSON.parse(d.event) as WebhookEvent);
    const now = Date.now();
    if (r.status !== null && r.status >= 200 && r.status < 300) {
      await queue.delivered(d.id, r.status, now);
      deliveries.inc({ webhook: t.id, result: 'delivered' });
      return 0;
    }
    const attempts = d.attempts + 1;
    const dead = attempts >= timing.maxAttempts;
    await queue.failed(d.id, attempts, now + backoffMs(attempts, timing), r.status, r.error, dead, now);
    deliveries.inc({ webhook: t.id, result: dead ? 'dead' : 'failed' });
    (dead ? logger.error : logger.warn).call(logger, { webhook: t.id, attempts, status: r.status, error: r.error, eventId: d.eventId }, dead ? 'webhook delivery given up' : 'webhook delivery failed; will retry');
    return 0;
  }

  async function run(t: (typeof targets)[number]): Promise<void> {
    while (!closed) {
      let delay: number;
      try {
        delay = await step(t);
      } catch (err) {
        logger.warn({ err, webhook: t.id }, 'webhook queue unavailable; trying again');
        delay = timing.pollMs;
      }
      if (delay > 0 && !closed) await sleep(t.id, delay);
    }
  }

  /** A pass at start (what a crash left out), then one every reconcileEveryMs (failed enqueues, a crashed peer's ops). */
  async function reconcileForever(r: NonNullable<typeof reconciler>): Promise<void> {
    let first = true;
    while (!closed) {
      try {
        // At start, also reach back to where the queue stops: a crash followed by a long outage.
        await r.pass(() => closed, first ? await queue.newestEventAt() : null);
        first = false;
      } catch (err) {
        logger.warn({ err }, 'webhook reconcile pass failed; trying again');
      }
      if (!closed) await sleep('reconcile', timing.reconcileEveryMs);
    }
  }

  return {
    targets: targets.map((t) => ({ id: t.id, url: t.url, format: t.format })),
    start(): void {
      for (const t of targets) loops.push(run(t));
      if (reconciler) reconcileLoop = reconcileForever(reconciler);
    },
    /** Called once per op this node committed, in commit order; queues its event for every webhook. */
    onCommitted(op: CommittedOp, state: IncidentState | null): void {
      if (targets.length === 0) return;
      const event = eventOf(op, state);
      if (!event) return;
      const delay = options.testEnqueueDelayMs ?? 0;
      chain = chain.then(() => (delay > 0 ? new Promise((r) => setTimeout(r, delay)) : undefined))
        .then(() => enqueue(event, { at: op.serverTime, seq: op.seq }))
        .then(() => undefined, (err: unknown) => {
          enqueueFailures.inc();
          logger.error({ err, eventId: event.id }, 'webhook event not queued; the next reconcile pass queues it');
        });
    },
    /** Resolves when every event handed over so far is in the queue (tests). */
    queued(): Promise<void> {
      return chain;
    },
    async status() {
      const rows = new Map((await queue.status()).map(({ webhookId, ...r }) => [webhookId, r]));
      return targets.map((t) => ({
        id: t.id, url: redactedUrl(t.url), format: t.format,
        ...(rows.get(t.id) ?? { pending: 0, delivered: 0, dead: 0, lastStatus: null, lastError: null, lastAttemptAt: null, lastDeliveredAt: null }),
      }));
    },
    async close(): Promise<void> {
      closed = true;
      for (const wake of [...wakers.values()]) wake();
      for (const a of aborts) a.abort();
      await Promise.all(loops);
      await reconcileLoop;
      await chain;
      for (const t of targets) await queue.release(t.id, holder).catch(() => undefined);
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
