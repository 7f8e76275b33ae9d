import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { SECRETS_FILE, plainBox, safeStorageBox, type SafeStorageLike, type SecretBox } from '../../main/secrets.ts';
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
const secrets = () => path.join(dir, SECRETS_FILE);
const modeOf = async (f: string) => (await fs.stat(f)).mode & 0o777;
// A session token as the renderer may keep it after redeeming an invite: opaque to the shell.
const TOKEN = 'sess.eyJzdWIiOiJhbmEifQ.c2lnbmF0dXJl~x';

/** A stand-in for Electron's safeStorage: reversible, but never the plain text. */
const fakeSafeStorage = (backend = 'gnome_libsecret'): SafeStorageLike => ({
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(`sealed:${Buffer.from(s).toString('hex')}`),
  decryptString: (b) => Buffer.from(b.toString().replace(/^sealed:/, ''), 'hex').toString(),
  getSelectedStorageBackend: () => backend,
});
const box: SecretBox = safeStorageBox(fakeSafeStorage(), 'linux');

describe('settings in the user data folder', () => {
  it('starts from the defaults when there is no file', async () => {
    const s = await openSettingsStore(dir, box);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.recovered).toBeNull();
  });

  it('persists validated updates across restarts; the token never appears in settings.json', async () => {
    const s = await openSettingsStore(dir, box);
    await s.update({ serverUrl: 'https://wr.example.com/', token: TOKEN, timeZone: 'Asia/Tokyo', skills: ['postgres'] });
    await s.update({ showUtc: true });
    const again = await openSettingsStore(dir, box);
    expect(again.get()).toEqual({
      ...DEFAULT_SETTINGS, serverUrl: 'https://wr.example.com', token: TOKEN, timeZone: 'Asia/Tokyo', skills: ['postgres'], showUtc: true,
      servers: [{ serverUrl: 'https://wr.example.com', local: false }],
    });
    expect(await fs.readFile(file(), 'utf8')).not.toContain(TOKEN);
    const sealed = await fs.readFile(secrets(), 'utf8');
    expect(sealed).not.toContain(TOKEN);
    expect(JSON.parse(sealed)).toMatchObject({ scheme: 'safeStorage' });
  });

  it('writes every file (settings, secrets, window state, .corrupt copies) readable by this account only', async () => {
    const s = await openSettingsStore(dir, box);
    await s.update({ serverUrl: 'https://wr.example.com', token: TOKEN });
    expect(await modeOf(file())).toBe(0o600);
    expect(await modeOf(secrets())).toBe(0o600);
    await fs.writeFile(file(), '{"token": "tok_plaintextplaintext", "bad', { mode: 0o644 });
    const damaged = await openSettingsStore(dir, box);
    expect(damaged.recovered).not.toBeNull();
    expect(await modeOf(`${file()}.corrupt`)).toBe(0o600);
    expect(await modeOf(file())).toBe(0o600);
  });

  it('keeps several servers, each with its own token; switching by serverUrl alone uses the saved token', async () => {
    const s = await openSettingsStore(dir, box);
    await s.update({ serverUrl: 'https://a.example', token: 'token-for-a-0123' });
    await s.update({ serverUrl: 'http://127.0.0.1:4000', token: 'token-for-local-1' }, { local: true });
    expect(s.get().servers).toEqual([{ serverUrl: 'http://127.0.0.1:4000', local: true }, { serverUrl: 'https://a.example', local: false }]);
    expect(await s.update({ serverUrl: 'https://a.example' })).toMatchObject({ serverUrl: 'https://a.example', token: 'token-for-a-0123' });
    // Signing out of one forgets only its token.
    expect(await s.update({ token: null })).toMatchObject({ serverUrl: 'https://a.example', token: null });
    expect((await s.update({ serverUrl: 'http://127.0.0.1:4000' })).token).toBe('token-for-local-1');
    expect((await s.forget('https://a.example')).servers).toEqual([{ serverUrl: 'http://127.0.0.1:4000', local: true }]);
  });

  it('moves a token out of a settings.json written by an older version', async () => {
    await fs.writeFile(file(), JSON.stringify({ serverUrl: 'http://10.0.0.5:4000', token: 'tok_legacy_abcdefgh', displayName: null, timeZone: null, skills: [], showUtc: false }));
    const s = await openSettingsStore(dir, box);
    expect(s.recovered).toBeNull();
    expect(s.get()).toMatchObject({ serverUrl: 'http://10.0.0.5:4000', token: 'tok_legacy_abcdefgh', servers: [{ serverUrl: 'http://10.0.0.5:4000', local: false }] });
    expect(await fs.readFile(file(), 'utf8')).not.toContain('tok_legacy');
  });

  it('says when the OS offers no encryption (or only Linux\u2019s fixed-key basic_text) and still works', async () => {
    expect(safeStorageBox(fakeSafeStorage('basic_text'), 'linux').encrypted).toBe(false);
    expect(safeStorageBox({ ...fakeSafeStorage(), isEncryptionAvailable: () => false }, 'win32').encrypted).toBe(false);
    expect(safeStorageBox(fakeSafeStorage('basic_text'), 'darwin').encrypted).toBe(true);
    const s = await openSettingsStore(dir, plainBox);
    expect(s.secretsEncrypted).toBe(false);
    await s.update({ serverUrl: 'https://wr.example.com', token: TOKEN });
    expect(JSON.parse(await fs.readFile(secrets(), 'utf8'))).toMatchObject({ scheme: 'plain' });
    expect(await modeOf(secrets())).toBe(0o600);
    expect((await openSettingsStore(dir, plainBox)).get().token).toBe(TOKEN);
  });

  it('drops a token it cannot open (another keyring) instead of failing to start', async () => {
    const s = await openSettingsStore(dir, box);
    await s.update({ serverUrl: 'https://wr.example.com', token: TOKEN });
    const broken: SecretBox = { encrypted: true, seal: (x) => x, open: () => { throw new Error('bad key'); } };
    const again = await openSettingsStore(dir, broken);
    expect(again.get()).toMatchObject({ serverUrl: 'https://wr.example.com', token: null });
  });

  it('refuses an invalid update and keeps the previous settings', async () => {
    const s = await openSettingsStore(dir, box);
    await s.update({ showUtc: true });
    await expect(s.update({ serverUrl: 'javascript:alert(1)' })).rejects.toThrow();
    expect(s.get().showUtc).toBe(true);
    expect(JSON.parse(await fs.readFile(file(), 'utf8'))).toMatchObject({ showUtc: true, serverUrl: null });
  });

  it.each([
    ['truncated JSON', '{"serverUrl": "http://h:4000", "tok', /not JSON/],
    ['a wrong shape', JSON.stringify({ ...DEFAULT_SETTINGS, showUtc: 'yes' }), /showUtc/],
    ['a dangerous server', JSON.stringify({ ...DEFAULT_SETTINGS, serverUrl: 'file:///etc/passwd' }), /serverUrl/],
  ])('recovers from %s: defaults, and the damaged file kept as .corrupt', async (_what, content, why) => {
    await fs.writeFile(file(), content);
    const s = await openSettingsStore(dir, box);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(s.recovered?.reason).toMatch(why);
    expect(s.recovered?.corruptCopy).toBe(`${file()}.corrupt`);
    expect(await fs.readFile(`${file()}.corrupt`, 'utf8')).toBe(content);
    expect(JSON.parse(await fs.readFile(file(), 'utf8'))).toMatchObject({ serverUrl: null, servers: [] });
    expect((await openSettingsStore(dir, box)).recovered).toBeNull();
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
