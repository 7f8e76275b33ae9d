import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { DEFAULT_WINDOW_STATE, loadJsonFile, openSettingsStore, SETTINGS_FILE, windowStateSchema } from '../../main/settings.ts';
import { fitToDisplays } from '../../main/windowState.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warroom-settings-test-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
const file = () => path.join(dir, SETTINGS_FILE);

describe('settings in the user data folder', () => {
  it('starts from the defaults when there is no file', async () => {
    const s = await openSettingsStore(dir);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.recovered).toBeNull();
  });

  it('persists validated updates across restarts', async () => {
    const s = await openSettingsStore(dir);
    await s.update({ serverUrl: 'https://wr.example.com', token: 'tok_abcdefghijkl', timeZone: 'Asia/Tokyo', skills: ['postgres'] });
    await s.update({ showUtc: true });
    const again = await openSettingsStore(dir);
    expect(again.get()).toEqual({ ...DEFAULT_SETTINGS, serverUrl: 'https://wr.example.com', token: 'tok_abcdefghijkl', timeZone: 'Asia/Tokyo', skills: ['postgres'], showUtc: true });
  });

  it('refuses an invalid update and keeps the previous settings', async () => {
    const s = await openSettingsStore(dir);
    await s.update({ showUtc: true });
    await expect(s.update({ serverUrl: 'javascript:alert(1)' })).rejects.toThrow();
    expect(s.get().showUtc).toBe(true);
    expect(JSON.parse(await fs.readFile(file(), 'utf8'))).toEqual({ ...DEFAULT_SETTINGS, showUtc: true });
  });

  it.each([
    ['truncated JSON', '{"serverUrl": "http://h:4000", "tok', /not JSON/],
    ['a wrong shape', JSON.stringify({ ...DEFAULT_SETTINGS, showUtc: 'yes' }), /showUtc/],
    ['a dangerous server', JSON.stringify({ ...DEFAULT_SETTINGS, serverUrl: 'file:///etc/passwd' }), /serverUrl/],
  ])('recovers from %s: defaults, and the damaged file kept as .corrupt', async (_what, content, why) => {
    await fs.writeFile(file(), content);
    const s = await openSettingsStore(dir);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.recovered?.reason).toMatch(why);
    expect(s.recovered?.corruptCopy).toBe(`${file()}.corrupt`);
    expect(await fs.readFile(`${file()}.corrupt`, 'utf8')).toBe(content);
    expect(JSON.parse(await fs.readFile(file(), 'utf8'))).toEqual(DEFAULT_SETTINGS);
    expect((await openSettingsStore(dir)).recovered).toBeNull();
  });
});

describe('remembered window bounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('reads back saved bounds and falls back on a bad file', async () => {
    const f = path.join(dir, 'window-state.json');
    await fs.writeFile(f, JSON.stringify({ x: 10, y: 20, width: 1000, height: 700, maximized: true }));
    expect((await loadJsonFile(f, windowStateSchema, DEFAULT_WINDOW_STATE)).value).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    await fs.writeFile(f, JSON.stringify({ width: 5 }));
    expect((await loadJsonFile(f, windowStateSchema, DEFAULT_WINDOW_STATE)).value).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('keeps a position that is on a screen', () => {
    expect(fitToDisplays({ x: 100, y: 50, width: 1200, height: 800, maximized: false }, screen)).toEqual({ x: 100, y: 50, width: 1200, height: 800, maximized: false });
  });

  it('drops a position on a monitor that is gone, and caps the size', () => {
    expect(fitToDisplays({ x: 4000, y: 100, width: 3000, height: 800, maximized: true }, screen)).toEqual({ width: 1920, height: 800, maximized: true });
  });
});
