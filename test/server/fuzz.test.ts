import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarRoomServer } from '../../server/createServer.ts';
import { call, connect, op, removeDir, startServer, tempDir, type Client } from './helpers.ts';

/** Deterministic PRNG so a failure replays (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261127;
const wrong: unknown[] = [null, 7, 'not valid!', [], {}, true, -1, '', { nested: { deeper: [1, 2, 3] } }, 'x'.repeat(300)];
const fields = ['opId', 'incidentId', 'type', 'actorId', 'clientTime', 'payload'] as const;

function randomJson(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 4 : 6));
  switch (k) {
    case 0: return Math.floor(r() * 1e6) - 5e5;
    case 1: return r().toString(36).slice(2, 2 + Math.floor(r() * 20));
    case 2: return r() < 0.5 ? null : r() < 0.5;
    case 3: return 'timeline.add';
    case 4: return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, (_, i) => [
      ['type', 'payload', 'opId', `k${i}`, '__proto__', 'constructor'][Math.floor(r() * 6)]!, randomJson(r, depth + 1),
    ]));
  }
}

let dir: string;
let server: WarRoomServer;
let c: Client;
beforeAll(async () => {
  dir = tempDir();
  server = await startServer(dir, { limits: { rateLimitPerSec: 10_000, rateLimitBurst: 10_000 } });
  c = await connect(server.url, { token: server.createToken('responder'), clientId: 'fuzz' });
  await call(c, 'incident:create', op('incident.create', 'f', 'fuzz', { title: 'Fuzz', severity: 'SEV4' }));
  await call(c, 'incident:join', { incidentId: 'f', sinceSeq: 0 });
});
afterAll(async () => {
  c.close();
  await server.close();
  removeDir(dir);
});

describe(`random and mutated payloads (seed ${SEED})`, () => {
  it('are all refused with a code and a message; nothing is stored; the server keeps serving', async () => {
    const r = rng(SEED);
    const payloads: unknown[] = [];
    for (let i = 0; i < 150; i++) payloads.push(randomJson(r));
    for (let i = 0; i < 150; i++) {
      const base = op('timeline.add', 'f', 'fuzz', { entryId: `e${i}`, kind: 'note', text: 'valid before mutation' }) as unknown as Record<string, unknown>;
      const field = fields[Math.floor(r() * fields.length)]!;
      base[field] = wrong[Math.floor(r() * wrong.length)];
      payloads.push(base);
    }
    const acks = await Promise.all(payloads.map((p) => call(c, 'op:submit', p)));
    acks.forEach((a, i) => {
      expect(a.ok, `payload ${i}: ${JSON.stringify(payloads[i]).slice(0, 200)}`).toBe(false);
      if (!a.ok) {
        expect(['INVALID_OP', 'UNKNOWN_OP_TYPE']).toContain(a.code);
        expect(a.message.length).toBeGreaterThan(10);
      }
    });
    expect(await server.store.headSeq('f')).toBe(1);
    expect(await call(c, 'op:submit', op('timeline.add', 'f', 'fuzz', { entryId: 'ok', kind: 'note', text: 'after the storm' }))).toMatchObject({ ok: true, seq: 2 });
  });
});
