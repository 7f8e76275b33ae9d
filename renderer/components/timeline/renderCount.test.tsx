import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Profiler, createRef, type ComponentProps, type FunctionComponent, type MemoExoticComponent } from 'react';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { CommittedOp } from '../../../shared/ops.ts';
import { TimeFormatContext } from '../../hooks/timeFormat.ts';
import { WarRoomProvider } from '../../hooks/useWarRoom.ts';
import { FakeServer } from '../../sync/testing/fakeServer.ts';
import { makeClient, settle, type TestClient } from '../../sync/testing/harness.ts';
import { TimelineContainer } from '../incident/TimelineContainer.tsx';
import type * as RowModule from './TimelineRow.tsx';

// Counts every render of a timeline row (by entry id) while keeping the real row: its render
// function and its memoization exactly as the module exports them. If the row stops being memoized,
// so does this wrapper, and the counts below grow with the window instead of the change.
const rowRenders = vi.hoisted(() => [] as string[]);
vi.mock('./TimelineRow.tsx', async (importOriginal) => {
  const actual = await importOriginal<typeof RowModule>();
  const { memo } = await import('react');
  type Props = ComponentProps<typeof actual.TimelineRow>;
  const real = actual.TimelineRow as unknown as FunctionComponent<Props> | MemoExoticComponent<FunctionComponent<Props>>;
  const isMemo = typeof real === 'object' && 'type' in real;
  const render = isMemo ? (real as unknown as { type: FunctionComponent<Props> }).type : (real as FunctionComponent<Props>);
  const Counted = (props: Props) => {
    rowRenders.push(props.entry.id);
    return render(props);
  };
  const compare = isMemo ? (real as unknown as { compare: ((a: Props, b: Props) => boolean) | null }).compare : null;
  return { ...actual, TimelineRow: isMemo ? memo(Counted, compare ?? undefined) : Counted };
});

// jsdom has no layout: a 600 px viewport, 50 px rows, and a scroll height that follows the virtual list.
const restore: (() => void)[] = [];
function fakeLayout(prop: 'clientHeight' | 'clientWidth' | 'offsetHeight' | 'scrollHeight', value: (el: HTMLElement) => number) {
  const before = Object.getOwnPropertyDescriptor(HTMLElement.prototype, prop) ?? Object.getOwnPropertyDescriptor(Element.prototype, prop);
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get() { return value(this as HTMLElement); } });
  restore.push(() => {
    if (before) Object.defineProperty(HTMLElement.prototype, prop, before);
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[prop];
  });
}
const isScroller = (el: HTMLElement) => el.dataset.testid === 'timeline';
beforeAll(() => {
  fakeLayout('clientHeight', (el) => (isScroller(el) ? 600 : 0));
  fakeLayout('clientWidth', (el) => (isScroller(el) ? 800 : 0));
  fakeLayout('offsetHeight', (el) => (el.dataset.index !== undefined ? 50 : 0));
  fakeLayout('scrollHeight', (el) => (isScroller(el) ? parseFloat(el.querySelector<HTMLElement>(':scope > div')?.style.height ?? '0') : 0));
  if (!('scrollTo' in HTMLElement.prototype)) Object.assign(HTMLElement.prototype, { scrollTo() {} });
});
afterAll(() => restore.forEach((r) => r()));

let clients: TestClient[] = [];
afterEach(() => {
  cleanup();
  for (const c of clients) c.store.dispose();
  clients = [];
});

const ENTRIES = 1_000;
const INCIDENT = 'inc-render';
const t0 = Date.UTC(2026, 10, 26, 12, 0, 0);

function seedOps(): CommittedOp[] {
  let seq = 0;
  const op = (type: string, payload: object, at: number): CommittedOp => ({
    opId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, incidentId: INCIDENT, actorId: 'cam',
    clientTime: at, serverTime: at, seq, type, payload,
  }) as CommittedOp;
  return [
    op('incident.create', { title: 'Checkout 500s', severity: 'SEV1' }, t0),
    op('member.join', { name: 'Camille', timeZone: 'Europe/Paris' }, t0),
    ...Array.from({ length: ENTRIES }, (_, i) => op('timeline.add', { entryId: `e${i}`, kind: 'note', text: `entry ${i}` }, t0 + (i + 1) * 60_000)),
  ];
}

async function connected(server: FakeServer, name: string): Promise<TestClient> {
  const c = makeClient(server, { name });
  clients.push(c);
  c.store.getState().connect({ serverUrl: 'http://127.0.0.1:1', token: 'token-token-token' });
  await settle(c.store);
  await c.store.getState().openIncident(INCIDENT);
  await settle(c.store);
  return c;
}

/** Ana watches a 1,000-entry timeline; Bo, another member, changes it from his own client. */
async function mountWatchedTimeline() {
  const server = new FakeServer();
  server.seed(seedOps());
  const ana = await connected(server, 'Ana');
  const bo = await connected(server, 'Bo');
  await settle(ana.store, bo.store);
  expect(ana.store.getState().view?.timeline.length).toBeGreaterThanOrEqual(ENTRIES);

  const commits: number[] = [];
  render(
    <WarRoomProvider store={ana.store}>
      <TimeFormatContext value={{ zone: 'UTC', utc: false }}>
        <Profiler id="timeline" onRender={(_id, _phase, duration) => commits.push(duration)}>
          <TimelineContainer composerRef={createRef()} searchRef={createRef()} kind="note" onKind={() => undefined} />
        </Profiler>
      </TimeFormatContext>
    </WarRoomProvider>,
  );
  const scroller = screen.getByTestId('timeline');
  // Let the browser's scroll event (after the timeline pinned itself to the bottom) reach the virtualizer.
  await act(async () => {
    fireEvent.scroll(scroller);
    await new Promise((r) => setTimeout(r, 200));
  });
  return { ana, bo, scroller, commits };
}

/** Runs one change from Bo through the fake server to Ana's screen, like a browser would (scroll event included). */
async function measure(c: { ana: TestClient; bo: TestClient; scroller: HTMLElement; commits: number[] }, change: () => void) {
  rowRenders.length = 0;
  c.commits.length = 0;
  const headBefore = c.ana.store.getState().headSeq;
  await act(async () => {
    change();
    await settle(c.bo.store, c.ana.store);
  });
  expect(c.ana.store.getState().headSeq).toBe(headBefore + 1);
  await act(async () => {
    fireEvent.scroll(c.scroller);
    await new Promise((r) => setTimeout(r, 200));
  });
  return { rows: [...rowRenders], commits: c.commits.length };
}

describe('one remote op re-renders only the rows it changed', () => {
  it('a new entry from another member renders that row, not the window', async () => {
    const c = await mountWatchedTimeline();
    const shown = () => [...c.scroller.querySelectorAll<HTMLElement>('[data-testid=timeline-entry]')].map((e) => e.dataset.entryId);
    expect(shown().length).toBeGreaterThan(10);
    expect(shown()).toContain('e999');
    expect(shown()).not.toContain('e0');
    expect(shown().length).toBeLessThan(60);

    let newId = '';
    const m = await measure(c, () => {
      const r = c.bo.store.getState().addEntry('note', 'Replica lag back to zero');
      if (!r.ok || !r.id) throw new Error('add failed');
      newId = r.id;
    });
    expect(shown()).toContain(newId);
    expect(m.rows).toContain(newId);
    expect(m.rows.length).toBeLessThanOrEqual(3);
  });

  it('an edit of one visible entry re-renders that row only', async () => {
    const c = await mountWatchedTimeline();
    const m = await measure(c, () => {
      const r = c.bo.store.getState().editEntry('e995', 'entry 995 (corrected)');
      if (!r.ok) throw new Error(r.message);
    });
    expect(c.scroller.querySelector('[data-entry-id=e995] [data-testid=entry-text]')?.textContent).toBe('entry 995 (corrected)');
    expect(m.commits).toBeGreaterThan(0); // the op did reach React, and rendered nothing else
    expect(m.rows).toEqual(['e995']);
  });

  it('a roster change that renames nobody re-renders no row; a rename reaches the rows', async () => {
    const c = await mountWatchedTimeline();
    await measure(c, () => {
      const r = c.bo.store.getState().editEntry('e995', 'entry 995 (corrected)');
      if (!r.ok) throw new Error(r.message);
    });
    const meta = () => c.scroller.querySelector('[data-entry-id=e995] [data-testid=entry-history-toggle]')?.textContent;
    expect(meta()).toBe('edited by Bo (1)');

    const m = await measure(c, () => {
      const r = c.bo.store.getState().updateMember({ availability: 'away', skills: ['network'] });
      if (!r.ok) throw new Error(r.message);
    });
    expect(m.rows).toEqual([]);

    await measure(c, () => {
      const r = c.bo.store.getState().updateMember({ name: 'Bo Zhang' });
      if (!r.ok) throw new Error(r.message);
    });
    expect(meta()).toBe('edited by Bo Zhang (1)');
  });
});
