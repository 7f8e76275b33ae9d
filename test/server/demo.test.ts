import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { stateHash } from '../../shared/hash.ts';
import { replay } from '../../shared/reducer.ts';
import { loadScenario } from '../../shared/scenario.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { DEMO_FIXTURE } from '../../server/demo.ts';
import { call, connect, removeDir, startServer, tempDir } from './helpers.ts';

let dir: string;
let server: WarRoomServer | null = null;
afterEach(async () => {
  await server?.close();
  removeDir(dir);
});

describe('serve --demo', () => {
  it('seeds the Black Friday incident once, folded exactly as the fixture describes', async () => {
    dir = tempDir();
    const { incidentId, ops } = loadScenario(JSON.parse(readFileSync(DEMO_FIXTURE, 'utf8')));
    const expected = replay(ops);
    if (!expected.ok) throw new Error(expected.message);
    server = await startServer(dir, { demo: true });
    expect(stateHash(server.incidentState(incidentId))).toBe(stateHash(expected.state));
    await server.close();
    server = await startServer(dir, { demo: true });
    expect(await server.store.headSeq(incidentId)).toBe(ops.length);
    const c = await connect(server.url, { token: server.createToken('viewer'), clientId: 'vic' });
    const list = await call<{ ok: true; incidents: { id: string; status: string; headSeq: number }[] }>(c, 'incident:list');
    expect(list.incidents).toEqual([expect.objectContaining({ id: incidentId, status: 'resolved', headSeq: ops.length })]);
    c.close();
  });
});
