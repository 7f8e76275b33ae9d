import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import axe from 'axe-core';
import { refuse } from '../../../shared/errors.ts';
import { WarRoomProvider } from '../../store/react.ts';
import { FakeServer } from '../../sync/testing/fakeServer.ts';
import { makeClient, settle, type TestClient } from '../../sync/testing/harness.ts';
import { UnsentTray } from './UnsentTray.tsx';

let c: TestClient | null = null;
afterEach(() => {
  cleanup();
  c?.store.dispose();
  c = null;
});

async function refusedNote(text: string) {
  const server = new FakeServer();
  c = makeClient(server, { name: 'Ana' });
  const store = c.store;
  store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
  await settle(store);
  const r = store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
  if (!r.ok) throw new Error('declare');
  await settle(store);
  server.veto = (op) => (op.type === 'timeline.add' && op.payload.text === text ? refuse('INVALID_STATE', 'entry is locked') : null);
  store.getState().addEntry('note', text);
  await settle(store);
  return { server, store };
}

describe('UnsentTray', () => {
  it('lists a refused change with the server sentence and its text; edit and send again through native buttons and a labelled field', async () => {
    const { server, store } = await refusedNote('the cache was warm');
    render(<WarRoomProvider store={store}><UnsentTray /></WarRoomProvider>);
    const tray = screen.getByRole('region', { name: 'Unsent changes' });
    expect(tray.textContent).toContain('1 change was not saved');
    const item = within(tray).getByTestId('unsent-item');
    expect(within(item).getByTestId('unsent-text').textContent).toBe('the cache was warm');
    expect(within(item).getByTestId('unsent-reason').textContent).toContain('entry is locked');
    expect((await axe.run(tray)).violations).toEqual([]);

    fireEvent.click(within(item).getByRole('button', { name: 'Edit and send again' }));
    const field = screen.getByLabelText('Edit before sending again');
    fireEvent.change(field, { target: { value: 'the cache was cold' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send again' }));
    await act(() => settle(store));
    expect(screen.queryByTestId('unsent-tray')).toBeNull();
    const id = store.getState().incidentId!;
    expect(server.incidents.get(id)!.state.timeline.map((e) => e.text)).toContain('the cache was cold');
  });

  it('dismisses an item for good', async () => {
    const { store } = await refusedNote('drop me');
    render(<WarRoomProvider store={store}><UnsentTray /></WarRoomProvider>);
    fireEvent.click(screen.getByRole('button', { name: /Dismiss the unsent/ }));
    expect(screen.queryByTestId('unsent-tray')).toBeNull();
    expect(store.getState().unsent).toEqual([]);
  });

  it('offers to set aside a change the server keeps failing on, and does it', async () => {
    const server = new FakeServer();
    c = makeClient(server, { name: 'Ana' });
    const store = c.store;
    store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
    await settle(store);
    store.getState().declareIncident({ title: 'Checkout 500s', severity: 'SEV1' });
    await settle(store);
    server.veto = (op) => (op.type === 'timeline.add' ? refuse('INTERNAL') : null);
    store.getState().addEntry('note', 'stuck note');
    await settle(store);
    const opId = store.getState().outbox[0]!.opId;
    render(<WarRoomProvider store={store}><UnsentTray /></WarRoomProvider>);
    expect(screen.queryByTestId('unsent-stuck')).toBeNull();
    act(() => store.getState().setServerTrouble({ code: 'INTERNAL', message: 'It failed.', source: 'submit', opId, attempts: 7 }));
    expect(screen.getByTestId('unsent-stuck').textContent).toContain('has failed 7 times');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Stop sending it and keep it here' }));
      await settle(store);
    });
    expect(store.getState().outbox).toEqual([]);
    expect(screen.getByTestId('unsent-text').textContent).toBe('stuck note');
  });
});
