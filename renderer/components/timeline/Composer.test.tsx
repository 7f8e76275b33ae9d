import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { UserEntryKind } from '../../../shared/model.ts';
import { TimeFormatContext, wallTimeToUtc } from '../../hooks/timeFormat.ts';
import { Composer } from './Composer.tsx';

afterEach(cleanup);

function Harness({ zone, utc = false, onPost }: { zone: string; utc?: boolean; onPost: (k: UserEntryKind, t: string, at: number | undefined) => void }) {
  const [kind, setKind] = useState<UserEntryKind>('note');
  return (
    <TimeFormatContext value={{ zone, utc }}>
      <Composer kind={kind} onKind={setKind} disabled={false} onPost={onPost} />
    </TimeFormatContext>
  );
}

describe('Composer', () => {
  it('posts with Enter, Alt+2 picking "update", and clears the input', () => {
    const onPost = vi.fn();
    render(<Harness zone="Europe/Paris" onPost={onPost} />);
    const input = screen.getByTestId('composer-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '  Status page updated  ' } });
    fireEvent.keyDown(input, { key: '2', altKey: true });
    fireEvent.submit(screen.getByTestId('composer'));
    expect(onPost).toHaveBeenCalledWith('update', 'Status page updated', undefined);
    expect(input.value).toBe('');
  });

  it('backdates in the viewer’s zone (or UTC when shown in UTC)', () => {
    const onPost = vi.fn();
    const { unmount } = render(<Harness zone="America/Los_Angeles" onPost={onPost} />);
    fireEvent.change(screen.getByTestId('composer-input'), { target: { value: 'Alert fired' } });
    fireEvent.click(screen.getByTestId('composer-backdate'));
    fireEvent.change(screen.getByTestId('composer-when'), { target: { value: '2026-11-27T05:02' } });
    fireEvent.submit(screen.getByTestId('composer'));
    expect(onPost).toHaveBeenCalledWith('note', 'Alert fired', Date.parse('2026-11-27T13:02:00Z'));
    unmount();
    render(<Harness zone="America/Los_Angeles" utc onPost={onPost} />);
    fireEvent.change(screen.getByTestId('composer-input'), { target: { value: 'Alert fired' } });
    fireEvent.click(screen.getByTestId('composer-backdate'));
    fireEvent.change(screen.getByTestId('composer-when'), { target: { value: '2026-11-27T05:02' } });
    fireEvent.submit(screen.getByTestId('composer'));
    expect(onPost).toHaveBeenLastCalledWith('note', 'Alert fired', Date.parse('2026-11-27T05:02:00Z'));
  });

  it('does not post an empty entry', () => {
    const onPost = vi.fn();
    render(<Harness zone="UTC" onPost={onPost} />);
    fireEvent.change(screen.getByTestId('composer-input'), { target: { value: '   ' } });
    fireEvent.submit(screen.getByTestId('composer'));
    expect(onPost).not.toHaveBeenCalled();
  });
});

describe('wallTimeToUtc', () => {
  it.each([
    ['2026-11-27T14:02', 'Europe/Paris', '2026-11-27T13:02:00Z'],
    ['2026-07-01T14:02', 'Europe/Paris', '2026-07-01T12:02:00Z'], // summer time
    ['2026-03-29T03:30', 'Europe/Paris', '2026-03-29T01:30:00Z'], // just after the spring-forward gap
    ['2026-11-28T04:02', 'Asia/Singapore', '2026-11-27T20:02:00Z'],
  ])('%s in %s is %s', (wall, zone, iso) => {
    expect(wallTimeToUtc(wall, zone)).toBe(Date.parse(iso));
  });
  it('refuses what is not a wall time', () => expect(wallTimeToUtc('yesterday', 'UTC')).toBeNull());
});
