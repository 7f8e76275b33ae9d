/**
 * E2E: a lead exports the postmortem from the browser client after the server went down. The
 * export comes from the client's own copy, includes a note typed while offline (marked unsynced),
 * and the JSON file reopens to exactly what the client showed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJson } from '../../shared/export/index.ts';
import { stateHash } from '../../shared/hash.ts';
import { chromiumAvailable, newMember, startHarness, within, type Harness } from '../e2e/harness.ts';
import { joinWithInvite, postEntry, snapshot, view, type Member } from '../e2e/pageTools.ts';

const run = chromiumAvailable();
const OFFLINE_NOTE = 'Typed while the server was down: "restart c7-ap-2, then check lag", by hand';

describe.skipIf(!run)('export while the server is down (browser client)', () => {
  let h: Harness;
  let lead: Member;

  beforeAll(async () => {
    h = await startHarness();
    const { context, page } = await newMember(h.browser, 'Europe/Paris');
    lead = { name: 'Camille Durand', zone: 'Europe/Paris', skills: 'indexing', context, page };
    await joinWithInvite(lead, h.server.inviteLink(h.server.createToken('lead', 'black-friday'), 'black-friday'));
    await page.getByTestId('incident-view').waitFor({ timeout: 15_000 });
    await within(15_000, 'the demo incident is loaded and synced', async () => (await view(page))?.id === 'black-friday' && (await snapshot(page)).unsynced === 0);
    await h.server.close();
    await within(10_000, 'the client notices the server is gone', async () => (await page.getByTestId('connection-state').getAttribute('data-status')) !== 'live');
    await postEntry(page, OFFLINE_NOTE);
    await within(5_000, 'the note waits in the outbox', async () => (await snapshot(page)).unsynced === 1);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  async function saveAs(format: string): Promise<string> {
    const p = lead.page;
    await p.getByLabel('Format').selectOption(format);
    const download = p.waitForEvent('download');
    await p.getByRole('button', { name: 'Save…' }).click();
    return readFileSync((await (await download).path())!, 'utf8');
  }

  it('previews the postmortem from local state with the offline note marked unsynced', async () => {
    const p = lead.page;
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await p.keyboard.press('e');
    await p.getByTestId('export-dialog').waitFor();
    expect(await p.getByTestId('export-note').textContent()).toMatch(/^The server is unreachable: exporting from this device’s copy of the incident\. Includes 1 unsynced change/);
    const preview = (await p.getByTestId('md-preview').textContent()) ?? '';
    expect(preview).toContain('# Postmortem: Search indexing crashes cluster-wide after Black Friday deploy');
    expect(preview).toContain(`_(unsynced)_: ${OFFLINE_NOTE}`);
  });

  it('saves Markdown and CSV files with the offline note', async () => {
    const md = await saveAs('md');
    expect(md).toContain('## Action items');
    expect(md).toContain(`_(unsynced)_: ${OFFLINE_NOTE}`);
    const csv = await saveAs('csv');
    const row = csv.split('\r\n').find((l) => l.includes('restart c7-ap-2'));
    expect(row).toContain('"Typed while the server was down: ""restart c7-ap-2, then check lag"", by hand"');
    // unsynced = yes, then entry_id, moment (none) and logged_after_min (not backdated).
    expect(row).toMatch(/,yes,[^,]+,,$/);
  });

  it('saves a JSON export that reopens to exactly what the client showed', async () => {
    const text = await saveAs('json');
    const back = await importJson(text);
    if (!back.ok) throw new Error(back.message);
    const shown = await view(lead.page);
    expect(stateHash(back.value.state)).toBe(stateHash(shown));
    expect(back.value.pending).toHaveLength(1);
    expect(back.value.committed.timeline.some((e) => e.text === OFFLINE_NOTE)).toBe(false);
  });
});
