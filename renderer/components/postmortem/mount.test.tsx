/**
 * The postmortem view is mounted by the incident layout as a screen of its own: reachable with `w`,
 * from the "Resolved" banner once resolved, and from openPostmortem() anywhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryPersistence } from '../../persistence/memoryPersistence.ts';
import { createWarRoomStore } from '../../store/index.ts';
import { WarRoomProvider } from '../../store/react.ts';
import { FakeServer } from '../../sync/testing/fakeServer.ts';
import { IncidentView } from '../incident/IncidentView.tsx';
import { openPostmortem } from './openPostmortem.ts';

afterEach(cleanup);

describe('mounting the postmortem view', () => {
  it('opens with w, from the resolved banner, and from openPostmortem(), and goes back to the war room', () => {
    const store = createWarRoomStore({ transport: new FakeServer().transport(), persistence: new MemoryPersistence(), timers: false });
    store.getState().setPreferences({ name: 'Ana' });
    store.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    render(<WarRoomProvider store={store}><IncidentView onExport={() => undefined} /></WarRoomProvider>);
    expect(screen.queryByTestId('postmortem-view')).toBeNull();
    fireEvent.keyDown(document.body, { key: 'w' });
    expect(screen.getByTestId('postmortem-view')).toBeTruthy();
    fireEvent.click(screen.getByTestId('postmortem-back'));
    expect(screen.queryByTestId('postmortem-view')).toBeNull();
    expect(screen.queryByTestId('resolved-banner')).toBeNull();
    act(() => { store.getState().setStatus('resolved'); });
    fireEvent.click(screen.getByTestId('resolved-postmortem'));
    expect(screen.getByTestId('postmortem-view')).toBeTruthy();
    fireEvent.keyDown(document.body, { key: 'w' });
    expect(screen.getByTestId('incident-view')).toBeTruthy();
    act(() => openPostmortem());
    expect(screen.getByTestId('postmortem-screen')).toBeTruthy();
  });
});
