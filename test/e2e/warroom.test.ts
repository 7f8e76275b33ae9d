/**
 * The browser client end to end: real Chromium (Debian's), the real server on port 0, three
 * members in three time zones joining one incident from invite links.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatClock, formatDate } from '../../shared/time.ts';
import { chromiumAvailable, newMember, SCREENSHOTS, startHarness, within, type Harness } from './harness.ts';
import {
  addTask, committed, entryRow, flush, joinWithInvite, leaveField, notifications, NOTIFICATION_SPY, postEntry, snapshot,
  taskCard, view, type Member,
} from './pageTools.ts';

const LIVE_MS = 1_000;
const CONVERGE_MS = 20_000;

describe.skipIf(!chromiumAvailable())('War Room in Chromium', () => {
  let h: Harness;
  let paris: Member;
  let la: Member;
  let sg: Member;
  let all: Member[];
  let incidentId = '';

  beforeAll(async () => {
    h = await startHarness();
    const open = async (name: string, zone: string, skills: string): Promise<Member> => {
      const { context, page } = await newMember(h.browser, zone);
      await context.addInitScript(NOTIFICATION_SPY);
      return { name, zone, skills, context, page };
    };
    [paris, la, sg] = await Promise.all([
      open('Camille Durand', 'Europe/Paris', 'indexing, replication'),
      open('Marcus Lee', 'America/Los_Angeles', 'deploys, infrastructure'),
      open('Priya Raman', 'Asia/Singapore', 'storage'),
    ]);
    all = [paris, la, sg];
    // The lead declares the incident from the browser, then invites the others to it.
    await joinWithInvite(paris, h.server.inviteLink(h.server.createToken('lead'), null));
    await paris.page.getByTestId('incident-list').waitFor();
    await paris.page.keyboard.press('d');
    await paris.page.getByTestId('declare-title').fill('Search indexing crashes after deploy');
    await paris.page.keyboard.press('Alt+1');
    await paris.page.keyboard.press('Enter');
    await paris.page.getByTestId('incident-view').waitFor();
    await within(10_000, 'the incident is committed', async () => (await committed(paris.page)) !== null);
    incidentId = (await committed(paris.page))!.id;
    for (const m of [la, sg]) {
      await joinWithInvite(m, h.server.inviteLink(h.server.createToken('responder', incidentId), incidentId));
    }
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('joins three members from invite links, each seeing the whole roster online', async () => {
    for (const m of all) {
      await m.page.getByTestId('incident-view').waitFor({ timeout: 10_000 });
      expect(await m.page.getByTestId('incident-title').textContent()).toBe('Search indexing crashes after deploy');
      expect(await m.page.getByTestId('severity').textContent()).toBe('SEV1');
    }
    await within(10_000, 'everyone sees three members', async () => {
      const counts = await Promise.all(all.map(async (m) => Object.keys((await view(m.page))?.members ?? {}).length));
      return counts.every((n) => n === 3);
    });
    await la.page.keyboard.press('2');
    await within(5_000, 'LA sees three members online', async () => (await la.page.locator('[data-testid=roster-member][data-online=true]').count()) === 3);
    expect(await la.page.getByTestId('connection-state').textContent()).toBe('Live');
  });

  it('shows an entry, a task move and a help request made in one browser in the others within one second', async () => {
    const text = `Nodes crash on start while replaying the log ${Date.now()}`;
    await postEntry(paris.page, text);
    const entryMs = await Promise.all([la, sg].map((m) => within(LIVE_MS, `entry visible in ${m.zone}`, () => entryRow(m.page, text).isVisible())));

    const title = 'Roll back cluster c3-eu';
    await addTask(paris.page, title);
    for (const m of [la, sg]) await m.page.keyboard.press('1');
    await Promise.all([la, sg].map((m) => within(5_000, `task in ${m.zone}`, () => taskCard(m.page, title).isVisible())));
    await taskCard(paris.page, title).focus();
    await paris.page.keyboard.press('Shift+ArrowRight');
    const moveMs = await Promise.all([la, sg].map((m) => within(LIVE_MS, `task moved to doing in ${m.zone}`,
      () => m.page.getByTestId('column-doing').locator('[data-testid=task-card]', { hasText: title }).isVisible())));
    expect(await taskCard(paris.page, title).getAttribute('data-column')).toBe('doing');

    for (const m of [paris, la]) await m.page.keyboard.press('3');
    const ask = 'Need someone who can roll back deploys on c3-eu';
    await leaveField(sg.page);
    await sg.page.keyboard.press('a');
    await sg.page.getByTestId('help-message').fill(ask);
    await sg.page.getByTestId('help-skill-deploys').check();
    await sg.page.getByTestId('help-send').click();
    const helpMs = await Promise.all([paris, la].map((m) => within(LIVE_MS, `help request in ${m.zone}`,
      () => m.page.locator('[data-testid=help-request]', { hasText: ask }).isVisible())));
    console.log(`live propagation ms: entry ${entryMs}, task move ${moveMs}, help ${helpMs}`);

    // Only the member with the skill asked for is notified.
    await within(5_000, 'LA is notified', async () => (await notifications(la.page)).some((n) => n.body.includes(ask)));
    expect((await notifications(paris.page)).some((n) => n.body.includes(ask))).toBe(false);
    await la.page.locator('[data-testid=help-request]', { hasText: ask }).getByTestId('help-ack').click();
    await within(LIVE_MS * 3, 'SG sees the acknowledgement', async () =>
      Object.values((await view(sg.page))?.help ?? {}).some((r) => r.text === ask && r.status === 'acknowledged'));
  });

  it('changes status from the keyboard once, with a note, for everyone', async () => {
    await leaveField(paris.page);
    await paris.page.keyboard.press('s');
    await paris.page.getByTestId('status-dialog').waitFor();
    await paris.page.keyboard.press('2');
    await paris.page.getByTestId('status-note').fill('corrupt replication message');
    await paris.page.keyboard.press('Enter');
    await within(LIVE_MS, 'LA shows identified', async () => (await la.page.getByTestId('status-select').inputValue()) === 'identified');
    const statusTexts = async () => (await view(sg.page))!.timeline.filter((e) => e.kind === 'status' && e.text.startsWith('Status changed')).map((e) => e.text);
    await within(LIVE_MS, 'SG has the status entry', async () => (await statusTexts()).length > 0);
    expect(await statusTexts()).toEqual(['Status changed from investigating to identified: corrupt replication message']);
  });

  it('drags a task to another column with the mouse', async () => {
    const p = paris.page;
    const title = `Drain the indexing queue ${Date.now()}`;
    for (const m of [paris, la]) {
      await leaveField(m.page);
      await m.page.keyboard.press('1');
    }
    await addTask(p, title);
    const from = (await taskCard(p, title).boundingBox())!;
    const to = (await p.getByTestId('column-blocked').boundingBox())!;
    await p.mouse.move(from.x + from.width / 2, from.y + 8);
    await p.mouse.down();
    await p.mouse.move(from.x + from.width / 2 + 12, from.y + 20, { steps: 4 });
    await p.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await p.mouse.up();
    await within(LIVE_MS, 'LA sees the dragged task in Blocked', () =>
      la.page.getByTestId('column-blocked').locator('[data-testid=task-card]', { hasText: title }).isVisible());
  });

  it('shows every time in the viewer’s zone, with UTC one key away', async () => {
    const state = (await view(paris.page))!;
    const entry = state.timeline.find((e) => e.text.startsWith('Nodes crash on start'))!;
    for (const m of all) {
      const row = entryRow(m.page, entry.text);
      expect(await row.getByTestId('entry-time').textContent()).toBe(formatClock(entry.occurredAt, m.zone));
      const seps = m.page.getByTestId('date-separator');
      const dates = await seps.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-date')} ${el.textContent}`));
      expect(dates.some((d) => d.startsWith(formatDate(entry.occurredAt, m.zone)) && d.includes(m.zone))).toBe(true);
    }
    await leaveField(sg.page);
    await sg.page.keyboard.press('u');
    await within(2_000, 'SG shows UTC', async () =>
      (await entryRow(sg.page, entry.text).getByTestId('entry-time').textContent()) === `${formatClock(entry.occurredAt, 'UTC')}Z`);
    await sg.page.keyboard.press('u');
    expect(await entryRow(sg.page, entry.text).getByTestId('entry-time').textContent()).toBe(formatClock(entry.occurredAt, sg.zone));
    // The zones really differ, so the check above could not pass by accident.
    expect(new Set(all.map((m) => formatClock(entry.occurredAt, m.zone))).size).toBe(3);
  });

  it('soft-deletes an entry with undo and shows it under "show deleted"', async () => {
    const text = `Wrong cluster named here ${Date.now()}`;
    await postEntry(paris.page, text);
    await within(LIVE_MS, 'LA sees the entry', () => entryRow(la.page, text).isVisible());
    await leaveField(paris.page);
    await entryRow(paris.page, text).click();
    await paris.page.keyboard.press('x');
    await within(LIVE_MS, 'LA no longer shows it', async () => (await entryRow(la.page, text).count()) === 0);
    await la.page.getByTestId('filter-deleted').check();
    await entryRow(la.page, text).waitFor({ timeout: 5_000 });
    expect(await entryRow(la.page, text).getAttribute('class')).toContain('deleted');
    await la.page.getByTestId('filter-deleted').uncheck();
    await paris.page.getByTestId('toast').filter({ hasText: 'Entry deleted' }).waitFor({ timeout: 5_000 });
    await leaveField(paris.page);
    await paris.page.keyboard.press('z');
    await within(LIVE_MS, 'the undo reaches LA', () => entryRow(la.page, text).isVisible());
    const entry = (await view(sg.page))!.timeline.find((e) => e.text === text)!;
    expect(entry.deletedAt).toBeNull();
  });

  it('keeps 20 offline edits through a reload and converges with each applied exactly once', async () => {
    const p = la.page;
    await p.locator('html[data-offline-ready=true]').waitFor({ timeout: 10_000 });
    await la.context.setOffline(true);
    await within(5_000, 'LA shows offline', async () => (await p.getByTestId('connection-state').getAttribute('data-status')) === 'offline');

    const stamp = Date.now();
    const texts = Array.from({ length: 12 }, (_, i) => `offline note ${i + 1} #${stamp}`);
    for (const t of texts) await postEntry(p, t);                     // 12 edits
    for (const t of texts.slice(0, 3)) {                              // +3 edits with history
      await leaveField(p);
      await entryRow(p, t).click();
      await p.keyboard.press('Enter');
      await p.getByTestId('entry-edit-input').fill(`${t} (edited)`);
      await p.keyboard.press('Enter');
    }
    for (const t of texts.slice(3, 5)) {                              // +2 pins
      await leaveField(p);
      await entryRow(p, t).click();
      await p.keyboard.press('p');
    }
    const tasks = [`offline task A #${stamp}`, `offline task B #${stamp}`];
    await p.keyboard.press('1');
    for (const t of tasks) await addTask(p, t);                       // +2 tasks
    await taskCard(p, tasks[0]!).focus();
    await p.keyboard.press('Shift+ArrowRight');                       // +1 move = 20
    await within(3_000, '20 unsynced changes', async () => (await p.getByTestId('connection-state').getAttribute('data-unsynced')) === '20');
    expect(await p.getByTestId('connection-state').textContent()).toBe('Offline · 20 unsynced changes');

    // Meanwhile Paris keeps working online.
    const concurrent = `online while LA is cut off #${stamp}`;
    await postEntry(paris.page, concurrent);
    await within(LIVE_MS, 'SG sees Paris live', () => entryRow(sg.page, concurrent).isVisible());
    expect((await view(p))!.timeline.some((e) => e.text === concurrent)).toBe(false);

    await flush(p);
    await p.reload();
    await p.getByTestId('incident-view').waitFor({ timeout: 10_000 });
    await within(5_000, 'edits still there after the offline reload', async () => (await p.getByTestId('connection-state').getAttribute('data-unsynced')) === '20');
    await entryRow(p, texts[11]!).waitFor({ timeout: 5_000 });
    expect(await p.getByTestId('connection-state').getAttribute('data-status')).toBe('offline');
    expect(await p.locator('[data-testid=task-card]', { hasText: tasks[1] }).count()).toBe(1);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await p.screenshot({ path: join(SCREENSHOTS, 'offline-after-reload-la.png') });

    await la.context.setOffline(false);
    await within(CONVERGE_MS, 'all three converge', async () => {
      const s = await Promise.all(all.map((m) => snapshot(m.page)));
      return s.every((x) => x.unsynced === 0 && x.hash !== null && x.hash === s[0]!.hash && x.headSeq === s[0]!.headSeq);
    });
    for (const m of all) {
      const state = (await committed(m.page))!;
      const count = (text: string) => state.timeline.filter((e) => e.text === text).length;
      texts.slice(3).forEach((t) => expect(count(t), `${m.zone}: ${t}`).toBe(1));
      for (const t of texts.slice(0, 3)) {
        expect(count(`${t} (edited)`)).toBe(1);
        expect(state.timeline.find((e) => e.text === `${t} (edited)`)!.history.map((x) => x.text)).toEqual([t]);
      }
      for (const t of texts.slice(3, 5)) expect(state.timeline.find((e) => e.text === t)!.pinned).toBe(true);
      expect(count(concurrent)).toBe(1);
      const byTitle = Object.values(state.tasks).filter((t) => tasks.includes(t.title));
      expect(byTitle.map((t) => [t.title, t.column]).sort()).toEqual([[tasks[0], 'doing'], [tasks[1], 'todo']]);
    }
    await within(5_000, 'LA reads Live again', async () => (await p.getByTestId('connection-state').textContent()) === 'Live');
    await p.screenshot({ path: join(SCREENSHOTS, 'reconnected-la.png') });
    // What Paris wrote meanwhile is summarised for LA, and the summary can be dismissed.
    expect(await p.getByTestId('away-summary').textContent()).toMatch(/Since you were away:.*new entr/);
    await p.getByTestId('away-dismiss').click();
    expect(await p.getByTestId('away-summary').count()).toBe(0);
  });

  it('does not move a reader who scrolled up when entries arrive, even above them', async () => {
    const p = la.page;
    const scroller = p.getByTestId('timeline');
    // Well above the end (the signal-first timeline hides join rows, so the list is shorter than it was).
    await scroller.evaluate((el) => { el.scrollTop = Math.min(240, el.scrollHeight - el.clientHeight - 120); el.dispatchEvent(new Event('scroll')); });
    const firstVisible = () => scroller.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const rows = [...el.querySelectorAll<HTMLElement>('[data-testid=timeline-entry]')];
      const row = rows.filter((r) => r.getBoundingClientRect().bottom > top).sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0]!;
      return { id: row.dataset.entryId!, offset: Math.round(row.getBoundingClientRect().top - top) };
    });
    const before = await firstVisible();

    const state = (await view(paris.page))!;
    const earlier = state.startedAt - 30 * 60_000;
    const backdated = `Alert fired earlier than we thought ${Date.now()}`;
    await leaveField(paris.page);
    await paris.page.keyboard.press('n');
    await paris.page.getByTestId('composer-input').fill(backdated);
    await paris.page.getByTestId('composer-backdate').click();
    await paris.page.getByTestId('composer-when').fill(`${formatDate(earlier, paris.zone)}T${formatClock(earlier, paris.zone)}`);
    await paris.page.getByTestId('composer-post').click();
    const latest = `Live entry while LA reads back ${Date.now()}`;
    await postEntry(paris.page, latest);
    await within(LIVE_MS * 2, 'LA has both entries', async () => {
      const v = (await view(p))!;
      return v.timeline.some((e) => e.text === latest) && v.timeline.some((e) => e.text === backdated);
    });
    await p.getByTestId('new-below').waitFor({ timeout: 2_000 });
    const after = await firstVisible();
    expect(after.id).toBe(before.id);
    expect(Math.abs(after.offset - before.offset)).toBeLessThanOrEqual(1);
    // The backdated entry sits where it happened, with its time in LA's zone.
    const v = (await view(p))!;
    expect(v.timeline.findIndex((e) => e.text === backdated)).toBeLessThan(3);
    expect(v.timeline.find((e) => e.text === backdated)!.occurredAt).toBe(Math.floor(earlier / 60_000) * 60_000);
    await p.getByTestId('new-below').click();
    await entryRow(p, latest).waitFor({ timeout: 2_000 });
  });

  it('says in a sentence when an invite token is not valid', async () => {
    const stranger = await newMember(h.browser, 'UTC');
    try {
      await joinWithInvite({ name: 'Mallory', zone: 'UTC', skills: '', ...stranger }, `${h.server.url}/?token=not-a-real-token-at-all`);
      const error = stranger.page.getByTestId('connect-error');
      await error.waitFor({ timeout: 5_000 });
      expect(await error.textContent()).toContain('not valid');
    } finally {
      await stranger.context.close();
    }
  });

  it('saves screenshots of the incident view, timeline, board and roster', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = (name: string) => join(SCREENSHOTS, `${name}.png`);
    const p = paris.page;
    await leaveField(p);
    await p.keyboard.press('1');
    await p.screenshot({ path: shot('live-incident-paris') });
    await leaveField(sg.page);
    await sg.page.screenshot({ path: shot('live-incident-singapore') });
    await p.keyboard.press('?');
    await p.getByTestId('help-overlay').screenshot({ path: shot('shortcuts') });
    await p.keyboard.press('Escape');
    expect(await p.getByTestId('help-overlay').count()).toBe(0);

    // A newcomer opening an invite link: only their name (and skills) to type.
    const newcomer = await newMember(h.browser, 'Europe/Dublin');
    await newcomer.page.goto(h.server.inviteLink(h.server.createToken('responder', incidentId), incidentId));
    await newcomer.page.getByTestId('connect-screen').waitFor();
    expect(await newcomer.page.getByTestId('connect-zone').inputValue()).toBe('Europe/Dublin');
    expect(newcomer.page.url()).not.toContain('token=');
    await newcomer.page.screenshot({ path: shot('connect') });
    await newcomer.context.close();

    // The seeded Black Friday incident: a realistic, busy screen.
    await p.keyboard.press('i');
    await p.getByTestId('incident-list').waitFor();
    await within(5_000, 'both incidents listed', async () => (await p.getByTestId('incident-row').count()) === 2);
    await p.screenshot({ path: shot('incident-list') });
    await p.locator('[data-testid=incident-row][data-incident-id=black-friday]').click();
    await p.getByTestId('incident-view').waitFor();
    await within(10_000, 'the demo incident is loaded', async () => (await view(p))?.id === 'black-friday' && (await snapshot(p)).unsynced === 0);
    await leaveField(p);
    await p.screenshot({ path: shot('incident') });
    await p.getByTestId('timeline').screenshot({ path: shot('timeline') });
    await p.getByTestId('board').screenshot({ path: shot('board') });
    await p.keyboard.press('e');
    await p.getByTestId('export-dialog').waitFor();
    await p.screenshot({ path: shot('export') });
    await p.keyboard.press('Escape');
    await within(2_000, 'the export dialog closes', async () => (await p.getByTestId('export-dialog').count()) === 0);
    await p.keyboard.press('2');
    await p.getByTestId('roster').screenshot({ path: shot('roster') });
    await p.keyboard.press('3');
    await p.getByTestId('help-panel').screenshot({ path: shot('help') });
    expect(await p.getByTestId('timeline-entry').count()).toBeGreaterThan(10);
  });
});
