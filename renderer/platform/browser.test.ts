import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserBridge } from './browser.ts';
import { getPlatform, setPlatform } from './index.ts';

afterEach(() => {
  setPlatform(null);
  delete (window as unknown as { warroom?: unknown }).warroom;
  vi.restoreAllMocks();
});

describe('browser platform bridge', () => {
  it('saves a file through a download link with the suggested name', async () => {
    const clicked: Array<{ download: string; href: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    URL.createObjectURL = vi.fn(() => 'blob:fake');
    URL.revokeObjectURL = vi.fn();
    const r = await createBrowserBridge().saveFile({ suggestedName: 'postmortem.md', mimeType: 'text/markdown', data: '# Postmortem' });
    expect(r).toEqual({ ok: true, path: null });
    expect(clicked).toEqual([{ download: 'postmortem.md', href: 'blob:fake' }]);
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('keeps settings in localStorage', async () => {
    const b = createBrowserBridge();
    await b.setSettings({ displayName: 'Ana', showUtc: true });
    expect(await createBrowserBridge().getSettings()).toMatchObject({ displayName: 'Ana', showUtc: true, serverUrl: null });
  });

  it('notifies only with permission', async () => {
    const shown: string[] = [];
    class FakeNotification {
      static permission: NotificationPermission = 'default';
      static requestPermission = vi.fn(async () => 'denied' as NotificationPermission);
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
    }
    (window as unknown as { Notification: unknown }).Notification = FakeNotification;
    await createBrowserBridge().notify({ title: 'Help needed', body: 'x' });
    expect(FakeNotification.requestPermission).toHaveBeenCalledOnce();
    expect(shown).toEqual([]);
    FakeNotification.permission = 'granted';
    await createBrowserBridge().notify({ title: 'Help needed', body: 'x' });
    expect(shown).toEqual(['Help needed']);
  });

  it('uses the Electron preload bridge when one is exposed, else the browser one', async () => {
    expect(getPlatform().kind).toBe('browser');
    setPlatform(null);
    const electron = {
      kind: 'electron', saveFile: vi.fn(), printToPdf: vi.fn(), notify: vi.fn(async () => ({ ok: true, value: null })), getSettings: vi.fn(),
      setSettings: vi.fn(), startLocalServer: vi.fn(), onCommand: vi.fn(),
    };
    (window as unknown as { warroom?: unknown }).warroom = electron;
    const picked = getPlatform();
    expect(picked.kind).toBe('electron');
    await picked.notify({ title: 't', body: 'b' });
    expect(electron.notify).toHaveBeenCalledWith({ title: 't', body: 'b' });
    // The browser cannot run a war room, and says so with a code.
    await expect(createBrowserBridge().startLocalServer!({ shareOnLan: false })).resolves.toMatchObject({ ok: false, code: 'SHELL_NOT_DESKTOP' });
  });
});
