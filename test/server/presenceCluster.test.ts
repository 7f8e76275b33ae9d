// Presence across two nodes joined by the Redis fan-out adapter: a member connected to the other
// node is listed, typing shows through, and a disconnect on one node is seen on the other.
import { afterEach, describe, it } from 'vitest';
import { join } from 'node:path';
import type { PresenceState } from '../../shared/protocol.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { attachFanout } from '../../server/fanout.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { REDIS_URL, redisAvailable, uniqueName } from '../scaleout/services.ts';
import { call, connect, op, removeDir, startServer, tempDir, until, type Client } from './helpers.ts';

const redisUp = await redisAvailable();
const sockets: Client[] = [];
const servers: WarRoomServer[] = [];
let dir: string | null = null;
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
  if (dir) removeDir(dir);
});

describe.skipIf(!redisUp)('presence across nodes (Redis fan-out)', () => {
  it('lists members of every node, shows their typing, and drops them when they leave', async () => {
    dir = tempDir();
    const file = join(dir, 'shared.db');
    const channel = uniqueName('presence');
    for (const name of ['a', 'b']) {
      servers.push(await startServer(join(dir, name), { secret: 'one-secret-for-both-nodes-of-this-cluster' }, {
        store: createSqliteStore({ file }),
        fanout: (io) => attachFanout(io as never, { redisUrl: REDIS_URL, channel }),
      }));
    }
    const [a, b] = servers as [WarRoomServer, WarRoomServer];
    const ana = await connect(a.url, { token: a.createToken('lead'), clientId: 'ana' });
    const ben = await connect(b.url, { token: b.createToken('lead'), clientId: 'ben' });
    sockets.push(ana, ben);
    const seen: PresenceState[] = [];
    ana.on('presence:state', (p) => seen.push(p));
    const last = () => seen.at(-1)?.members ?? [];
    await call(ana, 'incident:create', op('incident.create', 'p', 'ana', { title: 'Presence', severity: 'SEV3' }));
    await call(ana, 'incident:join', { incidentId: 'p', sinceSeq: 0 });
    const benSeen: PresenceState[] = [];
    ben.on('presence:state', (p) => benSeen.push(p));
    await call(ben, 'incident:join', { incidentId: 'p', sinceSeq: 0 });
    await until(() => last().map((m) => m.clientId).join() === 'ana,ben', 'ana sees ben (other node)');
    // The joiner hears the room's coalesced list, which asks every node: Ana is listed, not just Ben.
    await until(() => benSeen.at(-1)?.members.map((m) => m.clientId).join() === 'ana,ben', 'ben sees ana (other node)');
    await call(ben, 'presence:typing', { incidentId: 'p', typing: true });
    await until(() => last().find((m) => m.clientId === 'ben')?.typing === true, 'ana sees ben typing');
    ben.close();
    await until(() => last().map((m) => m.clientId).join() === 'ana', 'ben gone for ana');
  });
});
