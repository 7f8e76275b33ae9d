/**
 * Delivery in real Chromium against the real server: a store outage while the responder types
 * (the header says "Saving… (server unavailable)", every note is stored once afterwards), a change
 * the server refuses for good lands in the unsent tray and is edited and sent again from the
 * keyboard, and a broadcast missed in a quiet incident (two nodes, no fan-out between them) shows
 * up within 5 s from the head heartbeat alone.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type WarRoomServer } from '../../server/createServer.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/store.ts';
import { call, connect, member, op, type Client } from '../server/helpers.ts';
import { flakyStore } from '../delivery/tools.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, DIST, ensureRendererBuilt, newMember, SCREENSHOTS, within } from './harness.ts';
import { entryRow, joinWithInvite, postEntry, type Member } from './pageTools.ts';

/** Node A refuses messages above this, so a long note is a real permanent refusal (PAYLOAD_TOO_LARGE). */
const SMALL_PAYLOAD_BYTES = 4_096;

describe.skipIf(!chromiumAvailable())('delivery in Chromium', () => {
  let dir = '';
  let a: WarRoomServer;
  let b: WarRoomServer;
  let reader: Store;
  let flaky: ReturnType<typeof flakyStore>;
  let browser: Browser;
  let lead: Client;
  let rena: Member;
  const incidentId = 'outage-e2e';

  const stateText = () => rena.page.getByTestId('connection-state').textContent();
  const storedNotes = async () => (await reader.readOps(incidentId, 0, 10_000)).filter((o) => o.type === 'timeline.add')
    .map((o) => (o.payload as { text: string }).text);

  beforeAll(async () => {
    await ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'warroom-e2e-delivery-'));
    const file = join(dir, 'shared.db');
    const secret = 'one-secret-for-both-nodes-of-this-cluster';
    const base = { port: 0, host: '127.0.0.1', staticDir: DIST, logLevel: 'silent' as const, backupEveryMin: 0, secret };
    flaky = flakyStore(createSqliteStore({ file }));
    a = await createServer({ ...base, dataDir: join(dir, 'a'), maxPayloadBytes: SMALL_PAYLOAD_BYTES }, { store: flaky.store });
    // Node B shares the store but has no fan-out with A: every broadcast between them is lost.
    b = await createServer({ ...base, dataDir: join(dir, 'b') }, { store: createSqliteStore({ file }) });
    reader = createSqliteStore({ file });
    await reader.open();
    lead = await connect(a.url, { token: a.createToken('lead'), clientId: 'lead' });
    expect(await call(lead, 'incident:create', op('incident.create', incidentId, 'lead', { title: 'Primary database down', severity: 'SEV1' }))).toMatchObject({ ok: true });
    await call(lead, 'incident:join', { incidentId, sinceSeq: 0 });
    await call(lead, 'op:submit', op('member.join', incidentId, 'lead', member('Lead')));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const { context, page } = await newMember(browser, 'Europe/Paris');
    rena = { name: 'Rena Okafor', zone: 'Europe/Paris', skills: 'databases', context, page };
    await joinWithInvite(rena, a.inviteLink(a.createToken('responder', incidentId), incidentId));
    await rena.page.getByTestId('incident-view').waitFor({ timeout: 20_000 });
    await within(20_000, 'Live', async () => (await stateText()) === 'Live');
  }, 180_000);

  afterAll(async () => {
    lead?.close();
    await browser?.close().catch(() => undefined);
    await a?.close();
    await b?.close();
    await reader?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every note typed during a store outage, says "Saving… (server unavailable)", stores each once', async () => {
    flaky.setDown(true);
    const downAt = Date.now();
    const notes = Array.from({ length: 6 }, (_, i) => `outage note ${i}: replica lag ${i * 10} s`);
    for (const n of notes) {
      await postEntry(rena.page, n);
      await rena.page.waitForTimeout(400);
    }
    await within(15_000, 'the header says the server cannot save', async () => (await stateText())?.startsWith('Saving… (server unavailable)') ?? false);
    const during = await stateText();
    await rena.page.screenshot({ path: join(SCREENSHOTS, 'delivery-store-outage.png') });
    for (const n of notes) expect(await entryRow(rena.page, n).isVisible()).toBe(true);
    flaky.setDown(false);
    const outageMs = Date.now() - downAt;
    const recoverMs = await within(60_000, 'Live again with nothing unsynced', async () => (await stateText()) === 'Live');
    const stored = await storedNotes();
    for (const n of notes) expect(stored.filter((t) => t === n)).toHaveLength(1);
    console.info(`DELIVERY outage (Chromium, SQLite wrapper): ${JSON.stringify({ outageMs, typed: notes.length, stored: stored.filter((t) => notes.includes(t)).length, during, recoverMs })}`);
  }, 120_000);

  it('puts a change the server refused for good in the unsent tray; edit and send again from the keyboard', async () => {
    const long = `Full query plan: ${'seq scan on orders, '.repeat(300)}end`;
    await postEntry(rena.page, long);
    const tray = rena.page.getByTestId('unsent-tray');
    await tray.waitFor({ timeout: 15_000 });
    expect(await tray.getByTestId('unsent-item').getAttribute('data-code')).toBe('PAYLOAD_TOO_LARGE');
    expect(await tray.getByTestId('unsent-text').textContent()).toBe(long);
    expect(await rena.page.getByRole('region', { name: 'Unsent changes' }).isVisible()).toBe(true);
    await rena.page.screenshot({ path: join(SCREENSHOTS, 'delivery-unsent-tray.png') });
    // It survives a reload (kept on disk like the outbox).
    await rena.page.reload();
    await rena.page.getByTestId('unsent-tray').waitFor({ timeout: 20_000 });
    await within(20_000, 'live again after the reload', async () => (await stateText()) === 'Live');
    await tray.getByTestId('unsent-edit-button').focus();
    await rena.page.keyboard.press('Enter');
    await rena.page.getByLabel('Edit before sending again').fill('Full query plan: seq scan on orders (plan attached to the ticket)');
    await rena.page.getByTestId('unsent-send').focus();
    await rena.page.keyboard.press('Enter');
    await within(15_000, 'the tray empties', async () => !(await tray.isVisible()));
    await within(15_000, 'the edited note is stored', async () => (await storedNotes()).includes('Full query plan: seq scan on orders (plan attached to the ticket)'));
    expect((await storedNotes()).includes(long)).toBe(false);
  }, 120_000);

  it('shows a note committed on another node within 5 s although the fan-out lost it and nobody writes again', async () => {
    const { context, page } = await newMember(browser, 'Asia/Singapore');
    const bea: Member = { name: 'Bea Tan', zone: 'Asia/Singapore', skills: 'networking', context, page };
    await joinWithInvite(bea, b.inviteLink(b.createToken('responder', incidentId), incidentId));
    await page.getByTestId('incident-view').waitFor({ timeout: 20_000 });
    await within(20_000, 'Bea is live', async () => (await page.getByTestId('connection-state').textContent()) === 'Live');
    const text = `decision: fail over to us-east ${Date.now()}`;
    expect(await call(lead, 'op:submit', op('timeline.add', incidentId, 'lead', { entryId: `quiet-${Date.now()}`, kind: 'decision', text }))).toMatchObject({ ok: true });
    const ms = await within(5_000, 'the note shows on node B', () => entryRow(page, text).isVisible());
    console.info(`DELIVERY quiet gap (Chromium, no adapter): ${JSON.stringify({ noticedMs: ms })}`);
    await context.close();
  }, 120_000);
});
