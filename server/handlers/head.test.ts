import { describe, expect, it } from 'vitest';
import type { HeadNotice } from '../../shared/protocol.ts';
import { pino } from 'pino';
import { startHeadHeartbeat } from './head.ts';
import type { Ctx } from './context.ts';

/** Just enough of socket.io for the heartbeat: this node's rooms and local emits. */
function fakeCtx(rooms: Record<string, string[]>, headSeq: (id: string) => Promise<number>) {
  const sent: { room: string; notice: HeadNotice }[] = [];
  const io = {
    of: () => ({ adapter: { rooms: new Map(Object.entries(rooms).map(([r, s]) => [r, new Set(s)])) } }),
    local: { to: (room: string) => ({ emit: (_e: string, notice: HeadNotice) => sent.push({ room, notice }) }) },
  };
  const ctx = {
    io, store: { headSeq, readOps: async () => [] }, logger: pino({ level: 'silent' }),
    engine: { summary: (id: string) => (id === 'b' ? { headSeq: 9 } : null) },
  } as unknown as Pick<Ctx, 'io' | 'store' | 'engine' | 'logger'>;
  return { ctx, sent };
}

describe('head heartbeat', () => {
  it('tells each incident room with sockets on this node its head from the store, once per beat', async () => {
    const queried: string[] = [];
    const { ctx, sent } = fakeCtx({ 'incident:a': ['s1', 's2'], 'incident:b': ['s3'], 'incident:empty': [], lobby: ['s1'], s1: ['s1'] },
      async (id) => (queried.push(id), id === 'a' ? 4 : 7));
    const hb = startHeadHeartbeat(ctx, 60_000);
    await hb.beat();
    hb.stop();
    expect(queried).toEqual(['a', 'b']);
    expect(sent).toEqual([
      { room: 'incident:a', notice: { incidentId: 'a', headSeq: 4, storeAvailable: true } },
      { room: 'incident:b', notice: { incidentId: 'b', headSeq: 7, storeAvailable: true } },
    ]);
  });

  it('says the store is unavailable on an outage (with the last head it knew) and sends nothing on a bug', async () => {
    const { ctx, sent } = fakeCtx({ 'incident:b': ['s1'], 'incident:c': ['s2'] }, async (id) => {
      if (id === 'b') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      throw new TypeError('a bug');
    });
    const hb = startHeadHeartbeat(ctx, 60_000);
    await hb.beat();
    hb.stop();
    expect(sent).toEqual([{ room: 'incident:b', notice: { incidentId: 'b', headSeq: 9, storeAvailable: false } }]);
  });

  it('never runs two beats at once', async () => {
    let release = () => undefined as void;
    let calls = 0;
    const { ctx } = fakeCtx({ 'incident:a': ['s1'] }, () => {
      calls++;
      return new Promise((ok) => (release = () => ok(1)));
    });
    const hb = startHeadHeartbeat(ctx, 60_000);
    const one = hb.beat();
    const two = hb.beat();
    expect(one).toBe(two);
    release();
    await one;
    hb.stop();
    expect(calls).toBe(1);
  });
});
