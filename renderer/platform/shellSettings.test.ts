import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/bridge.ts';
import { adoptShellServer, type ServerPrefsStore } from './shellSettings.ts';

function store(prefs: { serverUrl: string | null; token: string | null }) {
  const s = { prefs: { ...prefs }, connect: vi.fn(() => ({ ok: true })), disconnect: vi.fn(), setPreferences: vi.fn() };
  return { s, store: { getState: () => s } satisfies ServerPrefsStore };
}
const shell = (patch: Partial<Settings>) => ({ kind: 'electron' as const, getSettings: async () => ({ ...DEFAULT_SETTINGS, ...patch }) });

describe('the renderer follows the shell\u2019s server', () => {
  it('connects to the shell\u2019s server when the window remembered another one', async () => {
    const { s, store: st } = store({ serverUrl: 'http://old:4000', token: 'old_token_abcdef' });
    expect(await adoptShellServer(shell({ serverUrl: 'https://wr.example.com', token: 'new_token_abcdef' }), st)).toBe('adopted');
    expect(s.connect).toHaveBeenCalledWith({ serverUrl: 'https://wr.example.com', token: 'new_token_abcdef' });
  });

  it('forgets the window\u2019s server when the shell has none (its settings were reset)', async () => {
    const { s, store: st } = store({ serverUrl: 'http://old:4000', token: 'old_token_abcdef' });
    expect(await adoptShellServer(shell({}), st)).toBe('cleared');
    expect(s.disconnect).toHaveBeenCalled();
    expect(s.setPreferences).toHaveBeenCalledWith({ serverUrl: null, token: null });
    expect(s.connect).not.toHaveBeenCalled();
  });

  it('does nothing when they agree, or in a browser', async () => {
    const { s, store: st } = store({ serverUrl: 'https://wr.example.com', token: 'tok_abcdefghij' });
    expect(await adoptShellServer(shell({ serverUrl: 'https://wr.example.com', token: 'tok_abcdefghij' }), st)).toBe('same');
    expect(await adoptShellServer({ kind: 'browser', getSettings: async () => DEFAULT_SETTINGS }, st)).toBe('browser');
    expect(s.connect).not.toHaveBeenCalled();
    expect(s.setPreferences).not.toHaveBeenCalled();
  });
});
