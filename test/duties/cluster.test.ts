// "Done when": three nodes on one PostgreSQL schema run the same duties; a help request whose
// asker and everyone else disconnected still widens on schedule, each level exactly once; a
// reminder goes out once; resolving closes open help and nothing escalates after.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_ACTOR_ID } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import type { IncidentNotice } from '../../shared/protocol.ts';
import { attachFanout } from '../../server/fanout.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { op, removeDir, startServer, tempDir } from '../server/helpers.ts';
import { DATABASE_URL, dropSchema, postgresAvailable, uniqueName } from '../scaleout/services.ts';
import { incidentWithPeople, joinAs, sleep, submitOk } from './helpers.ts';

const pgUp = await postgresAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

let offsetMs = 0;

async function startNode(schema: string, secret: string, channel: string): Promise<WarRoomServer> {
  const dir = tempDir('warroom-duty-node-');
  const node = await startServer(dir, { secret, escalateAfterMin: 0.02, dutyScanMs: 100, dutyNow: () => Date.now() + offsetMs }, {
    store: createPostgresStore({ connectionString: DATABASE_URL, schema }),
    access: createPostgresAccess({ connectionString: DATABASE_URL, schema }),
    fanout: (io) => attachFanout(io, { databaseUrl: DATABASE_URL, channel }),
  });
  cleanup.push(async () => {
    await node.close();
    removeDir(dir);
  });
  return node;
}

const ofType = (ops: CommittedOp[], type: CommittedOp['type']) => ops.filter((o) => o.type === type);

describe.skipIf(!pgUp)('duties with three nodes on one PostgreSQL schema', () => {
  it('escalations and a reminder appear on schedule, once, with no client connected; resolve closes help', { timeout: 60_000 }, async () => {
    const schema = uniqueName('wr_duties');
    cleanup.push(() => dropSchema(schema));
    const secret = randomBytes(32).toString('hex');
    const channel = uniqueName('wr');
    const nodes = await Promise.all([0, 1, 2].map(() => startNode(schema, secret, channel)));
    const [a, b, c] = nodes as [WarRoomServer, WarRoomServer, WarRoomServer];
    const { incidentId, ana, bo, cy } = await incidentWithPeople(a);
    const askedSeq = await submitOk(ana, op('help.ask', incidentId, 'ana', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'DB on fire' }));
    for (const s of [ana, bo, cy]) s.close();
    const read = () => a.store.readOps(incidentId, 0, 100_000);
    const end = Date.now() + 20_000;
    while (ofType(await read(), 'help.escalate').length < 2 && Date.now() < end) await sleep(100);
    // Every node scans every 100 ms: give them many chances to write a duplicate.
    await sleep(1_000);
    const ops = await read();
    const asked = ops.find((o) => o.seq === askedSeq)!;
    const askedAt = Math.min(asked.clientTime, asked.serverTime);
    const esc = ofType(ops, 'help.escalate');
    expect(esc.map((o) => (o.type === 'help.escalate' ? o.payload.level : 0))).toEqual([1, 2]);
    expect(esc.every((o) => o.actorId === SERVER_ACTOR_ID)).toBe(true);
    expect(esc[0]!.serverTime - askedAt).toBeGreaterThanOrEqual(1_200);
    expect(esc[1]!.serverTime - askedAt).toBeGreaterThanOrEqual(2_400);
    // Whichever node was first: across the three, each level was written once (metrics agree with the log).
    const written = async (n: WarRoomServer) => {
      const m = /warroom_duty_ops_total\{type="help\.escalate",outcome="written"\} (\d+)/.exec(await n.metrics.registry.metrics());
      return m ? Number(m[1]) : 0;
    };
    expect((await Promise.all(nodes.map(written))).reduce((x, y) => x + y, 0)).toBe(2);
    // On schedule: within a few scans of the due time even on a loaded machine.
    expect(esc[1]!.serverTime - askedAt).toBeLessThan(2_400 + 5_000);

    // One reminder from three nodes (SEV1: due 15 min after the declaration), and one notice, heard
    // by a client of another node through the fan-out.
    const watcher = await joinAs(b, 'cy', incidentId);
    cleanup.push(() => void watcher.close());
    const notices: IncidentNotice[] = [];
    watcher.on('incident:notice', (n) => notices.push(n));
    offsetMs = 15 * 60_000 + 1_000;
    const end2 = Date.now() + 15_000;
    while (ofType(await read(), 'incident.reminder').length < 1 && Date.now() < end2) await sleep(100);
    await sleep(1_000);
    offsetMs = 0;
    expect(ofType(await read(), 'incident.reminder')).toHaveLength(1);
    expect(notices.map((n) => n.kind)).toEqual(['update-overdue']);

    // A second request, then a resolve on another node: the help is closed, nothing escalates.
    const bo2 = await joinAs(b, 'bo', incidentId);
    cleanup.push(() => void bo2.close());
    await submitOk(bo2, op('help.ask', incidentId, 'bo', { helpId: 'h2', skills: [], memberIds: ['cy'], urgency: 'soon', text: 'second pair of eyes' }));
    const lead = await joinAs(c, 'ana', incidentId, 'lead');
    cleanup.push(() => void lead.close());
    await submitOk(lead, op('incident.status', incidentId, 'ana', { status: 'resolved' }));
    await sleep(3_500);
    const after = await read();
    expect(ofType(after, 'help.escalate')).toHaveLength(2);
    const closed = after.filter((o) => o.type === 'incident.status');
    expect(closed).toHaveLength(1);
    // Every node folds the same end state: both requests closed by the resolve.
    for (const n of nodes) {
      await n.duties.duties.scanOnce();
      const state = n.incidentState(incidentId)!;
      expect(state.status).toBe('resolved');
      expect([state.help.h1!.status, state.help.h2!.status]).toEqual(['cancelled', 'cancelled']);
    }
  });
});
