/**
 * The memory figures of docs/RELIABILITY.md, measured on a real `warroom serve` process (its RSS
 * from /metrics, sampled every 250 ms), with the clients in this process:
 *  - slow readers: 10 sockets that stop reading while ~30 MB is broadcast to their incident;
 *  - oversized joins: 10 viewers each sending 10 `incident:join {sinceSeq: 1e12}` for an incident
 *    with a large snapshot, while another client's acks on an unrelated incident are timed.
 *
 *   node scripts/memory-figures.ts [--snapshot-mb 30]
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { mintInvite, serveChild } from './childServer.ts';
import { PROTOCOL_VERSION } from '../shared/constants.ts';

const { values } = parseArgs({ options: { 'snapshot-mb': { type: 'string', default: '30' } } });
const SNAPSHOT_MB = Number(values['snapshot-mb']);
const MB = 2 ** 20;
type Client = Socket;
interface Tokens { lead: string; viewer: string }

const metricOf = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(`${name} `))!.split(' ')[1]) / MB;
};
const rssOf = (url: string) => metricOf(url, 'warroom_process_resident_memory_bytes');
const heapOf = (url: string) => metricOf(url, 'warroom_nodejs_heap_size_used_bytes');

function sampler(url: string) {
  const xs: number[] = [];
  const heap: number[] = [];
  const t = setInterval(() => void Promise.all([rssOf(url), heapOf(url)]).then(([r, h]) => (xs.push(r), heap.push(h)), () => undefined), 250);
  return { stop: () => clearInterval(t), max: () => Math.max(...xs), heapMax: () => Math.round(Math.max(...heap)) };
}

function connect(url: string, token: string, clientId: string): Promise<Client> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token, protocol: PROTOCOL_VERSION, clientId } });
  return new Promise((ok, fail) => {
    s.once('connect', () => ok(s));
    s.once('connect_error', fail);
  });
}
const call = <T>(s: Client, e: string, ...a: unknown[]) => s.timeout(60_000).emitWithAck(e, ...a) as Promise<T>;
const op = (incidentId: string, actorId: string, type: string, payload: unknown) => ({ opId: randomUUID(), incidentId, actorId, clientTime: Date.now(), type, payload });

/** ~mb of 9 KB notes, from 20 writer connections (each has its own rate limit). */
async function fill(url: string, tokens: Tokens, incidentId: string, mb: number): Promise<void> {
  const n = Math.ceil((mb * MB) / 9_200);
  const writers = await Promise.all(Array.from({ length: 20 }, (_, w) => connect(url, tokens.lead, `w${w}`)));
  for (const [i, w] of writers.entries()) {
    await call(w, 'incident:join', { incidentId, sinceSeq: 1e12 });
    await call(w, 'op:submit', op(incidentId, `w${i}`, 'member.join', { name: `w${i}`, timeZone: 'UTC' }));
  }
  let refused = 0;
  for (let i = 0; i < n; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, k) => {
      const w = (i + k) % writers.length;
      const o = op(incidentId, `w${w}`, 'timeline.add', { entryId: `e${i + k}`, kind: 'note', text: `${i + k} `.padEnd(9_000, 'x') });
      // Transient refusals (OVERLOADED, RATE_LIMITED) are sent again, as a client does.
      const send = async (tries: number): Promise<void> => {
        const r = await call<{ ok: boolean; retryAfterMs?: number }>(writers[w]!, 'op:submit', o);
        if (r.ok) return;
        if (tries > 20) refused++;
        else return new Promise((res) => setTimeout(res, r.retryAfterMs ?? 500)).then(() => send(tries + 1));
      };
      return send(0);
    }));
    await new Promise((r) => setTimeout(r, 150));
  }
  for (const w of writers) w.close();
  if (refused > 0) throw new Error(`${refused} fill ops refused`);
}

async function setup(c: Client, incidentId: string) {
  await call(c, 'incident:create', op(incidentId, 'lia', 'incident.create', { title: incidentId, severity: 'SEV1' }));
  await call(c, 'incident:join', { incidentId, sinceSeq: 0 });
}

async function slowReaders(url: string, tokens: Tokens, count = 10) {
  const writer = await connect(url, tokens.lead, 'lia');
  await setup(writer, 'slow');
  const readers: Client[] = [];
  for (let i = 0; i < count; i++) {
    const r = await connect(url, tokens.viewer, `slow${i}`);
    await call(r, 'incident:join', { incidentId: 'slow', sinceSeq: 0 });
    (r.io.engine as unknown as { transport: { ws: { _socket: NetSocket } } }).transport.ws._socket.pause();
    readers.push(r);
  }
  const before = await rssOf(url);
  const heapBefore = await heapOf(url);
  const s = sampler(url);
  const t = Date.now();
  await fill(url, tokens, 'slow', 30);
  await new Promise((r) => setTimeout(r, 3_000));
  s.stop();
  const after = await rssOf(url);
  const text = await (await fetch(`${url}/metrics`)).text();
  const drops = Number(text.split('\n').find((l) => l.startsWith('warroom_slow_consumer_drops_total '))?.split(' ')[1]);
  for (const r of readers) r.close();
  writer.close();
  return { rssMb: { before: Math.round(before), peak: Math.round(s.max()), after: Math.round(after) }, heapUsedMb: { before: Math.round(heapBefore), peak: s.heapMax(), after: Math.round(await heapOf(url)) }, drops, seconds: Math.round((Date.now() - t) / 1000) };
}

async function oversizedJoins(url: string, tokens: Tokens) {
  const writer = await connect(url, tokens.lead, 'lia');
  await setup(writer, 'big');
  await fill(url, tokens, 'big', SNAPSHOT_MB);
  await setup(writer, 'other');
  const ackMs = async () => {
    const t = performance.now();
    await call(writer, 'op:submit', op('other', 'lia', 'timeline.add', { entryId: randomUUID(), kind: 'note', text: 'unrelated' }));
    return performance.now() - t;
  };
  // Each viewer in its own process, as in life: one process parsing ten 30 MB answers would stall
  // its own sockets (and be cut as a slow consumer) and slow the probe below.
  const viewer = (i: number) => new Promise<{ ok: boolean; code?: string }[]>((resolve, reject) => {
    const script = `import { io } from 'socket.io-client';
      const s = io(${JSON.stringify(url)}, { transports: ['websocket'], reconnection: false, auth: { token: ${JSON.stringify(tokens.viewer)}, protocol: ${PROTOCOL_VERSION}, clientId: 'v${i}' } });
      s.on('connect', async () => {
        const rs = await Promise.all(Array.from({ length: 10 }, () => s.timeout(120000).emitWithAck('incident:join', { incidentId: 'big', sinceSeq: 1e12 }).catch((e) => ({ ok: false, code: String(e.message) }))));
        process.stdout.write(JSON.stringify(rs.map((r) => ({ ok: r.ok, code: r.code }))));
        s.close();
      });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out) as { ok: boolean; code?: string }[]);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
  const idle = await ackMs();
  const before = await rssOf(url);
  const heapBefore = await heapOf(url);
  const s = sampler(url);
  const acks: number[] = [];
  let joining = true;
  const probe = (async () => {
    while (joining) acks.push(await ackMs());
  })();
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => viewer(i)));
  joining = false;
  await probe;
  s.stop();
  const after = await rssOf(url);
  writer.close();
  const flat = answers.flat();
  return {
    snapshotMb: SNAPSHOT_MB, served: flat.filter((a) => a.ok).length, rateLimited: flat.filter((a) => a.code === 'RATE_LIMITED').length,
    rssMb: { before: Math.round(before), peak: Math.round(s.max()), after: Math.round(after) },
    heapUsedMb: { before: Math.round(heapBefore), peak: s.heapMax(), after: Math.round(await heapOf(url)) },
    unrelatedAckMs: { idle: Math.round(idle), maxDuringJoins: Math.round(Math.max(...acks)) },
  };
}

const runs: [string, (url: string, tokens: Tokens) => Promise<object>][] = [
  ['the same broadcast, no slow reader (control)', (u, s) => slowReaders(u, s, 0)],
  ['10 slow readers', slowReaders],
  ['oversized joins', oversizedJoins],
];
for (const [name, run] of runs) {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-memfig-'));
  const secret = randomBytes(32).toString('hex');
  const tokens = { lead: mintInvite(dir, secret, 'lead'), viewer: mintInvite(dir, secret, 'viewer') };
  const server = await serveChild(dir, secret);
  try {
    console.log(name, JSON.stringify(await run(server.url, tokens)));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
