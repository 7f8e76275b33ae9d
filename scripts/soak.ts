/**
 * `npm run soak`: a bounded load soak on loopback. A real `warroom serve` child process, 500
 * socket.io clients over 10 incidents (1 in 5 writes), a steady total op rate for 60 s. Writers
 * resend with the same opId after a transient refusal or a timeout, as docs/PROTOCOL.md says.
 * Checks: 0 ops lost (every op given is acked and stored once), every client converges (its log,
 * in seq order, is the server's), and reports the server's RSS at start and end and its
 * event-loop delay p99 (per 1 s scrape). Exit code 1 when a check fails.
 *
 *   node scripts/soak.ts [--seconds 60] [--clients 500] [--rate 100] [--incidents 10] [--json]
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { mintInvite, serveChild } from './childServer.ts';
import { PROTOCOL_VERSION } from '../shared/constants.ts';
import { isTransient, type ErrorCode } from '../shared/errors.ts';
import type { CommittedOp, Op } from '../shared/ops.ts';
import type { ClientToServerEvents, JoinResult, ServerToClientEvents } from '../shared/protocol.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '500' },
    rate: { type: 'string', default: '100' },
    incidents: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const RATE = Number(values.rate);
const INCIDENTS = Number(values.incidents);
const WRITER_EVERY = 5;
const ACK_TIMEOUT_MS = 10_000;
const SETTLE_TIMEOUT_MS = 60_000;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Ack = { ok: true; seq: number } | { ok: false; code: ErrorCode; retryAfterMs?: number };
type JoinAck = ({ ok: true } & JoinResult) | { ok: false; code: ErrorCode };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => {
  if (!values.json) process.stderr.write(`${s}\n`);
};

async function scrape(url: string): Promise<{ rss: number; lagP99: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const get = (name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN);
  return { rss: get('warroom_process_resident_memory_bytes'), lagP99: get('warroom_nodejs_eventloop_lag_p99_seconds') };
}

function connect(url: string, token: string, clientId: string): Promise<Client> {
  const s: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: true, auth: { token, protocol: PROTOCOL_VERSION, clientId } });
  return new Promise((ok, fail) => {
    s.once('connect', () => ok(s));
    s.once('connect_error', fail);
  });
}

const call = <T>(s: Client, event: string, ...args: unknown[]): Promise<T> =>
  (s.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<T> }).emitWithAck(event, ...args);

/** What one client folded: the committed ops it has, by seq (join answers and broadcasts). */
function follower(s: Client, incidentId: string) {
  const f = {
    ops: new Map<number, string>(),
    head: 0,
    async catchUp(): Promise<number> {
      for (;;) {
        const r = await call<JoinAck>(s, 'incident:join', { incidentId, sinceSeq: f.contiguous() });
        if (!r.ok) throw new Error(`join refused ${r.code}`);
        for (const o of r.ops) f.ops.set(o.seq, o.opId);
        if (f.contiguous() >= r.headSeq) return r.headSeq;
      }
    },
    contiguous(): number {
      while (f.ops.has(f.head + 1)) f.head++;
      return f.head;
    },
    digest(upTo: number): string {
      const h = createHash('sha256');
      for (let seq = 1; seq <= upTo; seq++) h.update(`${f.ops.get(seq) ?? '-'}\n`);
      return h.digest('hex');
    },
  };
  s.on('op:committed', (o: CommittedOp) => {
    if (o.incidentId === incidentId) f.ops.set(o.seq, o.opId);
  });
  return f;
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-soak-'));
  const secret = randomBytes(32).toString('hex');
  const lead = mintInvite(dir, secret, 'lead');
  const viewerInvite = mintInvite(dir, secret, 'viewer');
  const server = await serveChild(dir, secret);
  try {
    const incidents = Array.from({ length: INCIDENTS }, (_, i) => `soak-${i}`);
    const admin = await connect(server.url, lead, 'admin');
    for (const id of incidents) {
      const r = await call<Ack>(admin, 'incident:create', { opId: randomUUID(), incidentId: id, actorId: 'admin', clientTime: Date.now(), type: 'incident.create', payload: { title: id, severity: 'SEV3' } });
      if (!r.ok) throw new Error(`create refused ${r.code}`);
    }
    const start = await scrape(server.url);
    log(`server up at ${server.url}; rss ${(start.rss / 2 ** 20).toFixed(0)} MB; connecting ${CLIENTS} clients…`);
    const clients: { s: Client; id: string; incidentId: string; f: ReturnType<typeof follower>; writer: boolean }[] = [];
    for (let i = 0; i < CLIENTS; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, async (_, k) => {
        const n = i + k;
        const id = `c${n}`;
        const incidentId = incidents[n % INCIDENTS]!;
        const writer = n % WRITER_EVERY === 0;
        const s = await connect(server.url, writer ? lead : viewerInvite, id);
        const f = follower(s, incidentId);
        await f.catchUp();
        if (writer) {
          const r = await call<Ack>(s, 'op:submit', { opId: randomUUID(), incidentId, actorId: id, clientTime: Date.now(), type: 'member.join', payload: { name: id, timeZone: 'UTC' } });
          if (!r.ok) throw new Error(`member.join refused ${r.code}`);
        }
        clients.push({ s, id, incidentId, f, writer });
      }));
    }
    const writers = clients.filter((c) => c.writer);
    log(`${clients.length} clients joined (${writers.length} writers); ${RATE} ops/s for ${SECONDS} s…`);

    const given = new Set<string>();
    const acked = new Map<string, number>();
    const latencies: number[] = [];
    const refusals = new Map<string, number>();
    const samples: { rss: number; lagP99: number }[] = [];
    const submit = async (c: (typeof writers)[number], n: number) => {
      const o = { opId: randomUUID(), incidentId: c.incidentId, actorId: c.id, clientTime: Date.now(), type: 'timeline.add', payload: { entryId: `${c.id}-${n}`, kind: 'note', text: `soak note ${n} from ${c.id}` } } as Op;
      given.add(o.opId);
      const t0 = performance.now();
      for (;;) {
        const r = await call<Ack>(c.s, 'op:submit', o).catch(() => ({ ok: false as const, code: 'TIMEOUT' as ErrorCode }));
        if (r.ok) {
          acked.set(o.opId, r.seq);
          latencies.push(performance.now() - t0);
          return;
        }
        refusals.set(r.code, (refusals.get(r.code) ?? 0) + 1);
        if (!isTransient(r.code)) throw new Error(`refused permanently: ${r.code}`);
        await sleep(('retryAfterMs' in r ? r.retryAfterMs : undefined) ?? 500);
      }
    };
    const inFlight: Promise<void>[] = [];
    const t0 = Date.now();
    let n = 0;
    const scraper = setInterval(() => void scrape(server.url).then((s) => samples.push(s), () => undefined), 1_000);
    // Steady rate: op k is due at t0 + k / RATE seconds, whatever the acks do.
    while (Date.now() - t0 < SECONDS * 1_000) {
      const due = Math.floor(((Date.now() - t0) / 1_000) * RATE);
      for (; n < due; n++) inFlight.push(submit(writers[n % writers.length]!, n));
      await sleep(10);
    }
    await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, SETTLE_TIMEOUT_MS).unref())]);
    clearInterval(scraper);
    const end = await scrape(server.url);

    // Converge: every client's log, in seq order, is the server's.
    const stored = new Map<string, string[]>();
    for (const id of incidents) {
      const ops: string[] = [];
      for (let after = 0; ;) {
        const page = await call<{ ok: true; ops: CommittedOp[]; headSeq: number }>(admin, 'incident:ops', { incidentId: id, afterSeq: after, limit: 1_000 });
        for (const o of page.ops) ops.push(o.opId);
        if (page.ops.length === 0) break;
        after = page.ops.at(-1)!.seq;
        if (after >= page.headSeq) break;
      }
      stored.set(id, ops);
    }
    const storedIds = new Set([...stored.values()].flat());
    const lost = [...given].filter((id) => !acked.has(id) || !storedIds.has(id)).length;
    const duplicated = [...stored.values()].flat().length - storedIds.size;
    let converged = 0;
    await Promise.all(clients.map(async (c) => {
      const head = await c.f.catchUp();
      const want = stored.get(c.incidentId)!;
      const h = createHash('sha256');
      for (const id of want) h.update(`${id}\n`);
      if (head === want.length && c.f.digest(head) === h.digest('hex')) converged++;
    }));
    const lags = samples.map((s) => s.lagP99 * 1_000).filter((x) => Number.isFinite(x));
    const result = {
      seconds: SECONDS, clients: clients.length, writers: writers.length, incidents: INCIDENTS, rateOpsPerSec: RATE,
      opsGiven: given.size, opsAcked: acked.size, lost, duplicated, converged, allConverged: converged === clients.length,
      ackMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(percentile(latencies, 100)) },
      transientRefusals: Object.fromEntries(refusals),
      serverRssMb: { start: Math.round(start.rss / 2 ** 20), end: Math.round(end.rss / 2 ** 20), max: Math.round(Math.max(...samples.map((s) => s.rss)) / 2 ** 20) },
      eventLoopLagP99Ms: { median: Math.round(percentile(lags, 50)), max: Math.round(percentile(lags, 100)) },
    };
    for (const c of clients) c.s.close();
    admin.close();
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else log(JSON.stringify(result, null, 2));
    return result.lost === 0 && result.duplicated === 0 && result.allConverged ? 0 : 1;
  } finally {
    const code = await server.stop();
    if (code !== 0) log(`server exited with ${code}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
