/**
 * The screens end to end, as people use them: a lead in Paris, responders in Los Angeles and
 * Singapore, and a read-only viewer on a phone. Every screen is checked with axe-core (0 critical,
 * 0 serious) and saved at 1440 and 800 px; the core loop is played from the keyboard only.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, newMember, startHarness, within, type Harness } from './harness.ts';
import { committed, entryRow, joinWithInvite, leaveField, NOTIFICATION_SPY, taskCard, view, type Member } from './pageTools.ts';
import { axeSerious, shots, watchConsole } from './a11y.ts';

const LIVE_MS = 3_000;
const STEP_MS = 8_000;

describe.skipIf(!chromiumAvailable())('War Room screens: keyboard, accessibility, layout', { timeout: 90_000 }, () => {
  let h: Harness;
  let paris: Member;
  let la: Member;
  let sg: Member;
  const consoles = new Map<string, string[]>();
  let incidentId = '';

  const open = async (name: string, zone: string, skills: string): Promise<Member> => {
    const { context, page } = await newMember(h.browser, zone);
    await context.addInitScript(NOTIFICATION_SPY);
    consoles.set(name, watchConsole(page));
    return { name, zone, skills, context, page };
  };
  /** axe on the page as it is, then the two screenshots. */
  const check = async (page: Page, name: string, narrowTab?: string) => {
    expect(await axeSerious(page), `axe on ${name}`).toEqual([]);
    await shots(page, name, narrowTab);
    // And at 800 px, where the layout is another one.
    await page.setViewportSize({ width: 800, height: 900 });
    if (narrowTab && (await page.getByTestId(`tab-${narrowTab}`).count()) > 0) await page.getByTestId(`tab-${narrowTab}`).click();
    expect(await axeSerious(page), `axe on ${name} at 800 px`).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  /** Waits until the element with this test id has the keyboard focus. */
  const focused = (page: Page, testId: string) => within(STEP_MS, `focus on ${testId}`, async () =>
    (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)) === testId);
  const roleOps = async (page: Page) => (await committed(page))!.timeline.filter((e) => e.kind === 'role').length;

  beforeAll(async () => {
    h = await startHarness();
    [paris, la, sg] = await Promise.all([
      open('Camille Durand', 'Europe/Paris', 'indexing, replication'),
      open('Marcus Lee', 'America/Los_Angeles', 'deploys, infrastructure'),
      open('Priya Raman', 'Asia/Singapore', 'storage'),
    ]);
    await joinWithInvite(paris, h.server.inviteLink(h.server.createToken('lead'), null));
    await paris.page.getByTestId('incident-list').waitFor({ timeout: STEP_MS });
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lists incidents in sections with their commander and last update, and checks the list', async () => {
    const p = paris.page;
    await within(10_000, 'the demo incident is listed', async () => (await p.getByTestId('incident-row').count()) >= 1);
    expect(await p.getByTestId('open-export').textContent()).toBe('Open an export…');
    expect(await p.locator('[data-testid=incidents-active] [data-testid=incident-row], [data-testid=incidents-resolved] [data-testid=incident-row]').count()).toBeGreaterThan(0);
    await check(p, 'list');
  });

  it('plays the core loop from the keyboard: declare, post, edit, pin', async () => {
    const p = paris.page;
    await p.keyboard.press('d');
    await p.getByTestId('declare-dialog').waitFor({ timeout: STEP_MS });
    expect(await axeSerious(p), 'axe on the declare dialog').toEqual([]);
    await p.keyboard.type('Search indexing crashes after deploy');
    await p.keyboard.press('Alt+1');
    await p.keyboard.press('Enter');
    await p.getByTestId('incident-view').waitFor({ timeout: STEP_MS });
    await within(10_000, 'the incident is committed', async () => (await committed(p)) !== null);
    incidentId = (await committed(p))!.id;

    await leaveField(p);
    await p.keyboard.press('n');
    await focused(p, 'composer-input');
    await p.keyboard.type('Nodes crash on start while replaying the log');
    await p.keyboard.press('Enter');
    // A decision posted does not make the next entry a decision too.
    await p.keyboard.press('Alt+3');
    expect(await p.getByTestId('composer-kind').inputValue()).toBe('decision');
    await p.keyboard.type('Decision: roll back the deploy on c3-eu');
    await p.keyboard.press('Enter');
    await entryRow(p, 'Decision: roll back').waitFor({ timeout: STEP_MS });
    expect(await p.getByTestId('composer-kind').inputValue()).toBe('note');

    // "When…" by keyboard: focus lands in the time field, and back on the button after ×.
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-backdate');
    await p.keyboard.press('Enter');
    await within(2_000, 'focus in the time field', async () => (await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'composer-when');
    await p.getByLabel('Use the current time instead').focus();
    await p.keyboard.press('Enter');
    await within(2_000, 'focus back on When…', async () => (await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'composer-backdate');

    // Edit and pin the first finding: j/k select, Enter edits, p pins.
    await leaveField(p);
    await p.keyboard.press('k');
    await p.keyboard.press('k');
    await p.keyboard.press('Enter');
    await p.getByTestId('entry-edit-input').waitFor({ timeout: STEP_MS });
    await p.keyboard.press('End');
    await p.keyboard.type(' (replication message)');
    await p.keyboard.press('Enter');
    await entryRow(p, '(replication message)').waitFor({ timeout: STEP_MS });
    await p.keyboard.press('p');
    await within(LIVE_MS, 'the entry is pinned', async () => (await view(p))!.timeline.some((e) => e.pinned && e.text.endsWith('(replication message)')));
    await check(p, 'incident-timeline', 'timeline');
  });

  it('moves a task, asks for help and changes a role once, from the keyboard', async () => {
    const p = paris.page;
    for (const m of [la, sg]) await joinWithInvite(m, h.server.inviteLink(h.server.createToken('responder', incidentId), incidentId));
    await within(15_000, 'three members', async () => Object.keys((await view(p))?.members ?? {}).length === 3);

    await leaveField(p);
    await p.keyboard.press('t');
    await focused(p, 'task-new-title');
    await p.keyboard.type('Roll back cluster c3-eu');
    await p.keyboard.press('Enter');
    await taskCard(p, 'Roll back cluster c3-eu').focus();
    await p.keyboard.press('Shift+ArrowRight');
    await within(LIVE_MS, 'the task is in Doing', async () => (await taskCard(p, 'Roll back cluster c3-eu').getAttribute('data-column')) === 'doing');
    await check(p, 'incident-board', 'board');

    await leaveField(p);
    await p.keyboard.press('a');
    await p.getByTestId('ask-help-dialog').waitFor({ timeout: STEP_MS });
    await focused(p, 'help-message');
    await p.keyboard.type('Need someone who can roll back deploys on c3-eu');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    await p.getByTestId('help-skill-deploys').focus();
    await p.keyboard.press('Space');
    expect(await axeSerious(p), 'axe on the ask-for-help dialog').toEqual([]);
    await p.getByTestId('help-message').focus();
    await p.keyboard.press('Control+Enter');
    await within(LIVE_MS, 'the help request is open', async () => Object.values((await view(p))!.help).some((r) => r.status === 'open'));
    await leaveField(p);
    await p.keyboard.press('3');
    await check(p, 'incident-help', 'help');

    // ↓↓↑ on the ops role writes nothing until Enter, then exactly one role change.
    const before = await roleOps(p);
    await p.getByTestId('role-ops').focus();
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowUp');
    expect((await view(p))!.roles.ops).toBeNull();
    await p.keyboard.press('Enter');
    await within(LIVE_MS, 'one role change', async () => (await roleOps(p)) === before + 1);
    expect((await view(p))!.roles.ops).not.toBeNull();

    await leaveField(p);
    await p.keyboard.press('2');
    await check(p, 'incident-roster', 'roster');

    // The shortcut overlay fits a 900 px high window, heading included.
    await p.keyboard.press('?');
    const overlay = p.getByTestId('help-overlay');
    await overlay.waitFor({ timeout: STEP_MS });
    const heading = (await overlay.getByRole('heading').boundingBox())!;
    expect(heading.y).toBeGreaterThanOrEqual(0);
    expect(heading.y + heading.height).toBeLessThanOrEqual(900);
    await check(p, 'shortcuts');
    await p.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached', timeout: STEP_MS });
  });

  it('edits the overview and a profile, with the history in the timeline and the change live for others', async () => {
    const p = paris.page;
    await leaveField(p);
    await p.keyboard.press('o');
    await p.getByTestId('overview-edit').focus();
    await p.keyboard.press('Enter');
    await p.getByTestId('overview-summary').waitFor({ timeout: STEP_MS });
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('overview-summary');
    await p.keyboard.type('Search nodes crash-loop after the 14:00 deploy; indexing stalled in EU.');
    await p.getByTestId('overview-customerImpact').focus();
    await p.keyboard.type('Search results are stale for EU customers.');
    await p.getByTestId('overview-services').focus();
    await p.keyboard.type('search-indexer, search-api');
    await p.keyboard.press('Enter');
    await within(LIVE_MS, 'LA has the overview', async () => (await view(la.page))?.services.join(',') === 'search-indexer,search-api');
    const rows = (await view(la.page))!.timeline.filter((e) => e.ref?.startsWith('overview:')).map((e) => e.text);
    expect(rows.some((t) => t.startsWith('Summary updated'))).toBe(true);
    expect(rows.some((t) => t.startsWith('Affected services updated'))).toBe(true);
    await check(p, 'incident-overview', 'overview');

    // Singapore changes her skills from the profile button in the header.
    const s = sg.page;
    await s.getByTestId('profile-button').focus();
    await s.keyboard.press('Enter');
    await s.getByTestId('profile-dialog').waitFor({ timeout: STEP_MS });
    expect(await axeSerious(s), 'axe on the profile dialog').toEqual([]);
    await s.getByTestId('profile-skills').fill('storage, on-call SRE');
    await s.getByTestId('profile-skills').press('Enter');
    await within(LIVE_MS, 'Paris sees Priya’s new skills', async () =>
      Object.values((await view(p))!.members).some((m) => m.name === 'Priya Raman' && m.skills.includes('on-call SRE')));
    await shots(s, 'incident-singapore');
  });

  it('opens the export from a focused button with Enter and closes it with Escape', async () => {
    const p = paris.page;
    await p.getByTestId('export-button').focus();
    await p.keyboard.press('Enter');
    await p.getByTestId('export-dialog').waitFor({ timeout: STEP_MS });
    await check(p, 'export');
    // Focus outside the dialog (as after the print dialog): Escape still closes it.
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await p.keyboard.press('Escape');
    await within(2_000, 'the export dialog closes', async () => (await p.getByTestId('export-dialog').count()) === 0);
  });

  it('resolves from the keyboard, shows the summary, and leads to the postmortem', async () => {
    const p = paris.page;
    await leaveField(p);
    await p.keyboard.press('s');
    await p.getByTestId('status-dialog').waitFor({ timeout: STEP_MS });
    expect(await axeSerious(p), 'axe on the status dialog').toEqual([]);
    await p.keyboard.press('4');
    await p.keyboard.press('Enter');
    await p.getByTestId('resolution-dialog').waitFor({ timeout: STEP_MS });
    const dialog = p.getByTestId('resolution-dialog');
    expect(await dialog.getByTestId('resolution-moments').textContent()).toContain('Declared');
    expect(await dialog.getByTestId('resolution-open').textContent()).toMatch(/1 task/);
    await check(p, 'resolution');
    // The Help badge stops counting once resolved.
    expect(await p.getByTestId('tab-help').locator('.badge').count()).toBe(0);
    // The next step has the focus: Enter writes the postmortem.
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('resolution-postmortem');
    await p.keyboard.press('Enter');
    await p.getByTestId('postmortem-screen').waitFor({ timeout: STEP_MS });
    await p.getByTestId('postmortem-view').waitFor({ timeout: STEP_MS });
    // Write it from the keyboard: the summary, then an action item.
    await p.getByTestId('postmortem-view').getByLabel('Summary', { exact: true }).focus();
    await p.keyboard.type('A corrupt replication message crashed every node that replayed it.');
    await p.keyboard.press('Tab');
    await p.getByTestId('action-title').focus();
    await p.keyboard.type('Validate replicated messages before persisting them');
    await p.keyboard.press('Enter');
    await within(LIVE_MS, 'the postmortem is stored', async () => {
      const pm = (await committed(p))!.postmortem;
      return pm.summary.startsWith('A corrupt replication message') && pm.actionItems.some((a) => a.title.startsWith('Validate replicated'));
    });
    await check(p, 'postmortem');
    await leaveField(p);
    await p.keyboard.press('w');
    await p.getByTestId('incident-view').waitFor({ timeout: STEP_MS });
    await p.getByTestId('resolved-banner').waitFor({ timeout: STEP_MS });
  });

  it('gives a viewer on a phone a read-only incident, no write controls, and no declare', async () => {
    const viewer = await newMember(h.browser, 'Europe/Dublin');
    const errors = watchConsole(viewer.page);
    try {
      await viewer.page.setViewportSize({ width: 390, height: 844 });
      await viewer.page.goto(h.server.inviteLink(h.server.createToken('viewer', incidentId), incidentId));
      await viewer.page.getByTestId('connect-screen').waitFor({ timeout: STEP_MS });
      expect(await axeSerious(viewer.page), 'axe on the connect screen').toEqual([]);
      await joinWithInvite({ name: 'Sam Viewer', zone: 'Europe/Dublin', skills: '', ...viewer }, h.server.inviteLink(h.server.createToken('viewer', incidentId), incidentId));
      await viewer.page.getByTestId('incident-view').waitFor({ timeout: 10_000 });
      await viewer.page.getByTestId('readonly-bar').waitFor({ timeout: STEP_MS });
      expect(await viewer.page.getByTestId('composer').count()).toBe(0);
      expect(await viewer.page.getByTestId('readonly-pill').textContent()).toBe('Read-only');
      expect(await viewer.page.getByTestId('status-select').count()).toBe(0);
      await viewer.page.getByTestId('tab-timeline').waitFor({ timeout: STEP_MS });
      expect(await axeSerious(viewer.page), 'axe on the phone view').toEqual([]);
      await viewer.page.screenshot({ path: `${(await import('./harness.ts')).SCREENSHOTS}/viewer-phone-390.png` });
      await leaveField(viewer.page);
      await viewer.page.keyboard.press('i');
      await viewer.page.getByTestId('incident-list').waitFor({ timeout: STEP_MS });
      expect(await viewer.page.getByTestId('declare-open').count()).toBe(0);
      await viewer.page.keyboard.press('d');
      expect(await viewer.page.getByTestId('declare-dialog').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  });

  it('reviews a JSON export opened with "Open an export…"', async () => {
    const p = paris.page;
    await leaveField(p);
    await p.keyboard.press('e');
    await p.getByTestId('export-dialog').waitFor({ timeout: STEP_MS });
    await p.getByLabel('Format').selectOption('json');
    const download = p.waitForEvent('download');
    await p.getByTestId('export-dialog').getByRole('button', { name: /Save/ }).click();
    const file = await (await download).path();
    await p.keyboard.press('Escape');
    await p.getByTestId('export-dialog').waitFor({ state: 'detached' });
    await leaveField(p);
    await p.keyboard.press('i');
    await p.getByTestId('incident-list').waitFor({ timeout: STEP_MS });
    await p.getByTestId('open-export-input').setInputFiles({ name: 'export.json', mimeType: 'application/json', buffer: readFileSync(file) });
    await p.getByTestId('review-view').waitFor({ timeout: STEP_MS });
    await p.getByTestId('review-meta').waitFor({ timeout: 10_000 });
    await check(p, 'review');
  });

  it('kept every console clean (no CSP or other errors)', () => {
    for (const [name, errors] of consoles) expect(errors, name).toEqual([]);
  });
});
