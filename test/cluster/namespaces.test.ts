// Two deployments sharing one Redis (on different Redis database numbers, which do not separate
// pub/sub) each with two nodes, an incident with the same id in both: with the default channel
// prefix neither hears the other's ops or presence, while each deployment's own nodes still do.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommittedOp } from '../../shared/ops.ts';
import type { PresenceState } from '../../shared/protocol.ts';
import { attachFanout, deploymentChannel } from '../../server/fanout.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { call, connect, member, op, removeDir, startServer, tempDir, until, type Client } from '../server/helpers.ts';
import { DATABASE_URL, REDIS_URL, dropSchema, postgresAvailable, redisAvailable, uniqueName } from '../scaleout/services.ts';

const up = (await postgresAvailable()) && (await redisAvailable());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('deployment channel prefix', () => {
  it('is the same for every node of a deployment and differs between databases and schemas', () => {
    const a = deploymentChannel('postgres://alice:pw1@db.example:5432/warroom', 'public');
    expect(deploymentChannel('postgres://bob:pw2@db.example:5432/warroom', 'public')).toBe(a);
    expect(deploymentChannel('postgres://alice@db.example/warroom')).toBe(a);
    expect(deploymentChannel('postgres://alice:pw1@db.example:5432/warroom2', 'public')).not.toBe(a);
    expect(deploymentChannel('postgres://alice:pw1@db2.example:5432/warroom', 'public')).not.toBe(a);
    expect(deploymentChannel('postgres://alice:pw1@db.example:5432/warroom', 'other')).not.toBe(a);
    expect(a).toMatch(/^wr-[0-9a-f]{16}$/);
    expect(deploymentChannel(undefined)).toBe('warroom');
  });
});

async function deployment(schema: string, redisDb: number): Promise<WarRoomServer[]> {
  cleanup.push(() => dropSchema(schema));
  const secret = randomBytes(32).toString('hex');
  const nodes: WarRoomServer[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = tempDir('warroom-ns-');
    // No channel given: the default, derived from the database and schema.
    const node = await startServer(dir, { secret }, {
      store: createPostgresStore({ connectionString: DATABASE_URL, schema }),
      access: createPostgresAccess({ connectionString: DATABASE_URL, schema }),
      fanout: (io) => attachFanout(io, { redisUrl: `${REDIS_URL}/${redisDb}`, databaseUrl: DATABASE_URL, schema }),
    });
    cleanup.push(async () => {
      await node.close();
      removeDir(dir);
    });
    nodes.push(node);
  }
  return nodes;
}

function watch(c: Client) {
  const seen = { ops: [] as CommittedOp[], presence: [] as PresenceState[] };
  c.on('op:committed', (o) => seen.ops.push(o));
  c.on('presence:state', (p) => seen.presence.push(p));
  return seen;
}

describe.skipIf(!up)('two deployments on one Redis', () => {
  it('do not see each other\'s ops or presence for the same incident id', async () => {
    const [a1, a2] = await deployment(uniqueName('wr_ns_a'), 1);
    const [b1, b2] = await deployment(uniqueName('wr_ns_b'), 2);
    const incidentId = 'same-id';
    const join = async (node: WarRoomServer, clientId: string) => {
      const c = await connect(node.url, { token: node.createToken('lead'), clientId });
      cleanup.push(() => void c.close());
      return c;
    };
    const aWriter = await join(a1!, 'ann');
    const aReader = await join(a2!, 'amy');
    const bWriter = await join(b1!, 'bob');
    const bReader = await join(b2!, 'bea');
    for (const [c, who] of [[aWriter, 'ann'], [bWriter, 'bob']] as const) {
      expect(await call(c, 'incident:create', op('incident.create', incidentId, who, { title: `${who}'s incident`, severity: 'SEV2' }))).toMatchObject({ ok: true });
    }
    const seen = new Map([[aReader, watch(aReader)], [bReader, watch(bReader)], [aWriter, watch(aWriter)], [bWriter, watch(bWriter)]]);
    for (const c of [aWriter, aReader, bWriter, bReader]) expect(await call(c, 'incident:join', { incidentId, sinceSeq: 0 })).toMatchObject({ ok: true });
    expect(await call(aWriter, 'op:submit', op('member.join', incidentId, 'ann', member('ann')))).toMatchObject({ ok: true });
    expect(await call(bWriter, 'op:submit', op('member.join', incidentId, 'bob', member('bob')))).toMatchObject({ ok: true });
    for (let n = 0; n < 5; n++) {
      expect(await call(aWriter, 'op:submit', op('timeline.add', incidentId, 'ann', { entryId: `a${n}`, kind: 'note', text: `secret of A ${n}` }))).toMatchObject({ ok: true });
      expect(await call(bWriter, 'op:submit', op('timeline.add', incidentId, 'bob', { entryId: `b${n}`, kind: 'note', text: `secret of B ${n}` }))).toMatchObject({ ok: true });
    }
    // Within a deployment the other node hears everything (fan-out works)…
    await until(() => seen.get(aReader)!.ops.filter((o) => o.actorId === 'ann').length === 6, 'A\'s ops on A\'s other node');
    await until(() => seen.get(bReader)!.ops.filter((o) => o.actorId === 'bob').length === 6, 'B\'s ops on B\'s other node');
    await until(() => seen.get(aReader)!.presence.some((p) => p.members.some((m) => m.clientId === 'ann')), 'A\'s presence on A\'s other node', 5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    // …and nothing of the other deployment.
    for (const c of [aReader, aWriter]) {
      const s = seen.get(c)!;
      expect(s.ops.filter((o) => o.actorId !== 'ann')).toEqual([]);
      expect(s.presence.flatMap((p) => p.members.map((m) => m.clientId)).filter((id) => ['bob', 'bea'].includes(id))).toEqual([]);
    }
    for (const c of [bReader, bWriter]) {
      const s = seen.get(c)!;
      expect(s.ops.filter((o) => o.actorId !== 'bob')).toEqual([]);
      expect(s.presence.flatMap((p) => p.members.map((m) => m.clientId)).filter((id) => ['ann', 'amy'].includes(id))).toEqual([]);
    }
    expect(a1!.incidentState(incidentId)!.title).toBe('ann\'s incident');
    expect(JSON.stringify(b2!.incidentState(incidentId))).not.toContain('secret of A');
    expect(JSON.stringify(a2!.incidentState(incidentId))).not.toContain('secret of B');
  });
});
