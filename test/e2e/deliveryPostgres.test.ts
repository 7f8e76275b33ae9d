/**
 * The issue's own case in Chromium: the responder types while PostgreSQL is down (a private
 * instance stopped with a fast shutdown for about 10 s, never the shared one). The header says
 * "Saving… (server unavailable)" instead of "Live", nothing is dropped, and every note is stored
 * exactly once once the database is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAccess } from '../../server/access/postgres.ts';
import { createServer, type WarRoomServer } from '../../server/createServer.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { call, connect, member, op, type Client } from '../server/helpers.ts';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../delivery/privatePostgres.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, DIST, ensureRendererBuilt, newMember, within } from './harness.ts';
import { entryRow, joinWithInvite, postEntry, type Member } from './pageTools.ts';

const OUTAGE_MS = 10_000;

describe.skipIf(!chromiumAvailable() || !privatePostgresAvailable())('a PostgreSQL outage in Chromium', () => {
  let dir = '';
  let pg: PrivatePostgres;
  let server: WarRoomServer;
  let browser: Browser;
  let lead: Client;
  let rena: Member;
  const incidentId = 'pg-outage-e2e';

  beforeAll(async () => {
    await ensureRendererBuilt();
    pg = await startPrivatePostgres();
    dir = mkdtempSync(join(tmpdir(), 'warroom-e2e-pg-'));
    server = await createServer({
      dataDir: dir, port: 0, host: '127.0.0.1', staticDir: DIST, logLevel: 'silent', backupEveryMin: 0,
      secret: 'one-secret-for-every-node-of-this-cluster',
    }, {
      store: createPostgresStore({ connectionString: pg.url, schema: 'warroom', onError: () => undefined }),
      access: createPostgresAccess({ connectionString: pg.url, schema: 'warroom' }),
    });
    lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'lead' });
    expect(await call(lead, 'incident:create', op('incident.create', incidentId, 'lead', { title: 'Primary database down', severity: 'SEV1' }))).toMatchObject({ ok: true });
    await call(lead, 'incident:join', { incidentId, sinceSeq: 0 });
    await call(lead, 'op:submit', op('member.join', incidentId, 'lead', member('Lead')));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const { context, page } = await newMember(browser, 'Europe/Paris');
    rena = { name: 'Rena Okafor', zone: 'Europe/Paris', skills: 'databases', context, page };
    await joinWithInvite(rena, server.inviteLink(server.createToken('responder', incidentId), incidentId));
    await page.getByTestId('incident-view').waitFor({ timeout: 20_000 });
    await within(20_000, 'Live', async () => (await page.getByTestId('connection-state').textContent()) === 'Live');
  }, 180_000);

  afterAll(async () => {
    lead?.close();
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    pg?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every note, says so in the header, stores each once after the database is back', async () => {
    const stateText = () => rena.page.getByTestId('connection-state').textContent();
    pg.stop();
    const downAt = Date.now();
    const notes = Array.from({ length: 5 }, (_, i) => `pg outage note ${i}: failover step ${i + 1}`);
    for (const n of notes) {
      await postEntry(rena.page, n);
      await rena.page.waitForTimeout(OUTAGE_MS / notes.length / 2);
    }
    await within(15_000, 'the header says the server cannot save', async () => (await stateText())?.startsWith('Saving… (server unavailable)') ?? false);
    const during = await stateText();
    for (const n of notes) expect(await entryRow(rena.page, n).isVisible()).toBe(true);
    const left = OUTAGE_MS - (Date.now() - downAt);
    if (left > 0) await rena.page.waitForTimeout(left);
    pg.start();
    const outageMs = Date.now() - downAt;
    const recoverMs = await within(60_000, 'Live again with nothing unsynced', async () => (await stateText()) === 'Live');
    const reader = createPostgresStore({ connectionString: pg.url, schema: 'warroom', onError: () => undefined });
    await reader.open();
    try {
      const stored = (await reader.readOps(incidentId, 0, 10_000)).filter((o) => o.type === 'timeline.add').map((o) => (o.payload as { text: string }).text);
      for (const n of notes) expect(stored.filter((t) => t === n)).toHaveLength(1);
      console.info(`DELIVERY outage (Chromium, private PostgreSQL): ${JSON.stringify({ outageMs, typed: notes.length, stored: stored.filter((t) => notes.includes(t)).length, during, recoverMs })}`);
    } finally {
      await reader.close();
    }
  }, 180_000);
});
