/** The postmortem view is reachable from the incident's side panels: a tab, and a prompt once resolved. */
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryPersistence } from '../../persistence/memoryPersistence.ts';
import { createWarRoomStore } from '../../store/index.ts';
import { WarRoomProvider } from '../../store/react.ts';
import { FakeServer } from '../../sync/testing/fakeServer.ts';
import { SidePanels, type SideTab } from '../incident/SidePanels.tsx';
import { openPostmortem } from './openPostmortem.ts';

afterEach(cleanup);

function Panels() {
  const [tab, setTab] = useState<SideTab>('board');
  return <SidePanels tab={tab} onTab={setTab} newTaskRef={{ current: null }} onAsk={() => undefined} />;
}

describe('mounting the postmortem view', () => {
  it('opens from its tab, from the resolved prompt, and from openPostmortem()', () => {
    const store = createWarRoomStore({ transport: new FakeServer().transport(), persistence: new MemoryPersistence(), timers: false });
    store.getState().declareIncident({ title: 'Disk full', severity: 'SEV2' });
    render(<WarRoomProvider store={store}><Panels /></WarRoomProvider>);
    expect(screen.queryByTestId('postmortem-view')).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: 'Postmortem' }));
    expect(screen.getByTestId('postmortem-view')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Board' }));
    expect(screen.queryByTestId('postmortem-prompt')).toBeNull();
    act(() => { store.getState().setStatus('resolved'); });
    fireEvent.click(screen.getByRole('button', { name: 'Write the postmortem' }));
    expect(screen.getByTestId('postmortem-view')).toBeTruthy();
    expect(screen.queryByTestId('postmortem-prompt')).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: 'Roster' }));
    act(() => openPostmortem());
    expect(screen.getByRole('tab', { name: 'Postmortem' }).getAttribute('aria-selected')).toBe('true');
  });
});
