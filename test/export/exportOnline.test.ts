/**
 * E2E: a lead whose client joined far behind (so the server sent a snapshot, not the ops) exports
 * JSON from the browser. Online, the file is the server's whole committed log from seq 1; once the
 * server is gone, the dialog says the file holds only the state as of the last confirmed change.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJson } from '../../shared/export/index.ts';
import { stateHash } from '../../shared/hash.ts';
import { createServer, type WarRoomServer } from '../../server/createServer.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, DIST, ensureRendererBuilt, newMember, within } from '../e2e/harness.ts';
import { joinWithInvite, leaveField, postEntry, snapshot, view, type Member } from '../e2e/pageTools.ts';

const run = chromiumAvailable();
const ID = 'black-friday';
const NOTE = 'Exporting the whole history for the postmortem review';

describe.skipIf(!run)('JSON export of the full history (browser client joined far behind)', () => {
  let dataDir: string;
  let server: WarRoomServer;
  let browser: Browser;
  let lead: Member;
  let shownHead = 0;

  beforeAll(async () => {
    await ensureRendererBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'warroom-e2e-'));
    // The demo incident has ~50 ops: with this limit, the first join answers a snapshot.
    server = await createServer({
      dataDir, port: 0, host: '127.0.0.1', staticDir: DIST, logLevel: 'silent', backupEveryMin: 0, demo: true,
      limits: { joinMaxOpsWithoutSnapshot: 5 },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const { context, page } = await newMember(browser, 'Europe/Paris');
    lead = { name: 'Camille Durand', zone: 'Europe/Paris', skills: 'indexing', context, page };
    await joinWithInvite(lead, server.inviteLink(server.createToken('lead', ID), ID));
    await page.getByTestId('incident-view').waitFor({ timeout: 15_000 });
    await within(15_000, 'the demo incident is loaded and synced', async () => (await view(page))?.id === ID && (await snapshot(page)).unsynced === 0);
    await postEntry(page, NOTE);
    await within(10_000, 'the note is confirmed', async () => (await snapshot(page)).unsynced === 0 && (await view(page))!.timeline.some((e) => e.text === NOTE));
    shownHead = (await snapshot(page)).headSeq;
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function openJsonExport() {
    const p = lead.page;
    await leaveField(p);
    await p.keyboard.press('e');
    await p.getByTestId('export-dialog').waitFor();
    await p.getByLabel('Format').selectOption('json');
  }

  async function save(): Promise<string> {
    const download = lead.page.waitForEvent('download');
    await lead.page.getByRole('button', { name: 'Save…' }).click();
    return readFileSync((await (await download).path())!, 'utf8');
  }

  it('online: saves the server\'s whole log from change #1, which reopens to the server\'s state', async () => {
    await openJsonExport();
    expect(await lead.page.getByTestId('json-summary').textContent()).toMatch(/^The full history: every committed change, fetched from the server when you save/);
    const back = await importJson(await save());
    if (!back.ok) throw new Error(back.message);
    const head = server.incidentState(ID)!.headSeq;
    expect(head).toBe(shownHead);
    expect(back.value.base).toBeNull();
    expect(back.value.ops.map((o) => o.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(back.value.pending).toEqual([]);
    expect(stateHash(back.value.committed)).toBe(stateHash(server.incidentState(ID)));
    expect(back.value.committed.timeline.some((e) => e.text === NOTE)).toBe(true);
    expect(await lead.page.getByTestId('export-dialog').getByRole('status').textContent()).toMatch(new RegExp(`: the full history, ${head} committed changes\\.$`));
    await lead.page.keyboard.press('Escape');
  });

  it('offline: says the file holds the incident as of the last confirmed change, and saves that', async () => {
    await server.close();
    await within(10_000, 'the client notices the server is gone', async () => (await lead.page.getByTestId('connection-state').getAttribute('data-status')) !== 'live');
    await openJsonExport();
    expect(await lead.page.getByTestId('json-summary').textContent())
      .toBe(`Offline: the file holds the incident as of change #${shownHead}; export again online for the full history.`);
    const back = await importJson(await save());
    if (!back.ok) throw new Error(back.message);
    expect(back.value.base?.seq).toBe(shownHead);
    expect(back.value.ops).toEqual([]);
  });
});
