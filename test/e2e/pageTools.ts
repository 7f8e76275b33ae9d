/** Page-side helpers for the e2e suite: joining, reading local state, posting through the UI. */
import type { BrowserContext, Page } from 'playwright-core';
import type { IncidentState } from '../../shared/model.ts';

export interface Member {
  name: string;
  zone: string;
  skills: string;
  context: BrowserContext;
  page: Page;
}

interface WarRoomDebug {
  committed(): IncidentState | null;
  view(): IncidentState | null;
  headSeq(): number;
  unsynced(): number;
  connection(): string;
  flush(): Promise<void>;
}
type DebugWindow = Window & { __warroom: WarRoomDebug; __warroomStateHash: string | null; __notifications: { title: string; body: string }[] };

/** Records notifications the app raises through the browser bridge (Notification API), granted. */
export const NOTIFICATION_SPY = `(() => {
  window.__notifications = [];
  class FakeNotification {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.__notifications.push({ title, body: (options && options.body) || '' }); }
  }
  Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
})();`;

export async function joinWithInvite(m: Member, link: string): Promise<void> {
  await m.page.goto(link);
  await m.page.getByTestId('connect-name').fill(m.name);
  await m.page.getByTestId('connect-skills').fill(m.skills);
  await m.page.getByTestId('connect-submit').click();
}

export const snapshot = (page: Page) => page.evaluate(() => {
  const w = window as unknown as DebugWindow;
  return { hash: w.__warroomStateHash, headSeq: w.__warroom.headSeq(), unsynced: w.__warroom.unsynced(), connection: w.__warroom.connection() };
});

export const committed = (page: Page) => page.evaluate(() => (window as unknown as DebugWindow).__warroom.committed());
export const view = (page: Page) => page.evaluate(() => (window as unknown as DebugWindow).__warroom.view());
export const flush = (page: Page) => page.evaluate(() => (window as unknown as DebugWindow).__warroom.flush());
export const notifications = (page: Page) => page.evaluate(() => (window as unknown as DebugWindow).__notifications);

/** Leaves any text field so single-key shortcuts reach the app. */
export const leaveField = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

export async function postEntry(page: Page, text: string): Promise<void> {
  await leaveField(page);
  await page.keyboard.press('n');
  await page.getByTestId('composer-input').fill(text);
  await page.keyboard.press('Enter');
}

export async function addTask(page: Page, title: string): Promise<void> {
  await leaveField(page);
  await page.keyboard.press('t');
  await page.getByTestId('task-new-title').fill(title);
  await page.keyboard.press('Enter');
}

export const entryRow = (page: Page, text: string) => page.locator('[data-testid=timeline-entry]', { hasText: text });
export const taskCard = (page: Page, title: string) => page.locator('[data-testid=task-card]', { hasText: title });
