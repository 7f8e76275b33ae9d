import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type PlatformBridge } from '../../../shared/bridge.ts';
import { createBrowserBridge } from '../../platform/browser.ts';
import { ConnectScreen, type ConnectForm } from './ConnectScreen.tsx';

afterEach(cleanup);

const initial: ConnectForm = { invite: '', serverUrl: '', name: '', timeZone: 'UTC', skills: [], workingHours: { start: '09:00', end: '17:00' } };

function desktop(over: Partial<PlatformBridge> = {}): PlatformBridge {
  return {
    ...createBrowserBridge(),
    kind: 'electron',
    getSettings: vi.fn(async () => ({ ...DEFAULT_SETTINGS, servers: [{ serverUrl: 'https://wr.example.com', local: false }] })),
    setSettings: vi.fn(async () => ({ ...DEFAULT_SETTINGS, serverUrl: 'https://wr.example.com', token: 'saved_token_abcdef' })),
    startLocalServer: vi.fn(async () => ({ ok: true as const, serverUrl: 'http://127.0.0.1:4000', token: 'lead_local_abcdefgh', inviteLink: null })),
    ...over,
  };
}

describe('the first screen', () => {
  it('on the desktop offers to start a war room on this computer, and connects to it as its lead', async () => {
    const onConnect = vi.fn();
    const platform = desktop();
    render(<ConnectScreen initial={initial} error={null} busy={false} onConnect={onConnect} platform={platform} />);
    expect(screen.getByText('Start a war room on this computer')).toBeTruthy();
    expect(screen.getByText('Join a server')).toBeTruthy();
    fireEvent.change(screen.getByTestId('connect-name'), { target: { value: 'Ana' } });
    fireEvent.click(screen.getByTestId('connect-share-lan'));
    fireEvent.click(screen.getByTestId('connect-submit'));
    await waitFor(() => expect(onConnect).toHaveBeenCalled());
    expect(platform.startLocalServer).toHaveBeenCalledWith({ shareOnLan: true });
    expect(onConnect.mock.calls[0]![0]).toMatchObject({ name: 'Ana', serverUrl: 'http://127.0.0.1:4000', invite: 'lead_local_abcdefgh' });
  });

  it('shows the shell\u2019s sentence when the local war room cannot start, and connects nowhere', async () => {
    const onConnect = vi.fn();
    const platform = desktop({ startLocalServer: vi.fn(async () => ({ ok: false as const, code: 'LOCAL_SERVER_FAILED' as const, message: 'The war room on this computer could not start.' })) });
    render(<ConnectScreen initial={initial} error={null} busy={false} onConnect={onConnect} platform={platform} />);
    fireEvent.change(screen.getByTestId('connect-name'), { target: { value: 'Ana' } });
    fireEvent.click(screen.getByTestId('connect-submit'));
    expect((await screen.findByTestId('connect-error')).textContent).toMatch(/could not start/);
    expect(onConnect).not.toHaveBeenCalled();
  });

  it('rejoins a saved server with the token the shell kept', async () => {
    const onConnect = vi.fn();
    const platform = desktop();
    render(<ConnectScreen initial={initial} error={null} busy={false} onConnect={onConnect} platform={platform} />);
    fireEvent.click(screen.getByTestId('connect-mode-join'));
    fireEvent.change(screen.getByTestId('connect-name'), { target: { value: 'Ana' } });
    fireEvent.click(await screen.findByText('https://wr.example.com'));
    await waitFor(() => expect(onConnect).toHaveBeenCalled());
    expect(platform.setSettings).toHaveBeenCalledWith({ serverUrl: 'https://wr.example.com' });
    expect(onConnect.mock.calls[0]![0]).toMatchObject({ serverUrl: 'https://wr.example.com', invite: 'saved_token_abcdef' });
  });

  it('rejoining this computer\u2019s own war room starts it (it may not be running)', async () => {
    const onConnect = vi.fn();
    const platform = desktop({ getSettings: vi.fn(async () => ({ ...DEFAULT_SETTINGS, servers: [{ serverUrl: 'http://127.0.0.1:4000', local: true }] })) });
    render(<ConnectScreen initial={{ ...initial, serverUrl: 'http://127.0.0.1:4000' }} error={null} busy={false} onConnect={onConnect} platform={platform} />);
    fireEvent.change(screen.getByTestId('connect-name'), { target: { value: 'Ana' } });
    fireEvent.click(await screen.findByText('This computer (http://127.0.0.1:4000)'));
    await waitFor(() => expect(onConnect).toHaveBeenCalled());
    expect(platform.startLocalServer).toHaveBeenCalled();
    expect(platform.setSettings).not.toHaveBeenCalled();
  });

  it('in a browser there is only "join"', () => {
    render(<ConnectScreen initial={initial} error={null} busy={false} onConnect={vi.fn()} platform={createBrowserBridge()} />);
    expect(screen.queryByText('Start a war room on this computer')).toBeNull();
    expect(screen.getByTestId('connect-invite')).toBeTruthy();
  });
});
