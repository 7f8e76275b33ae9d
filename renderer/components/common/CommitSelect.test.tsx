import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { CommitSelect } from './CommitSelect.tsx';

afterEach(cleanup);

function setup(value = 'a') {
  const onCommit = vi.fn();
  render(
    <CommitSelect aria-label="Role" value={value} onCommit={onCommit}>
      <option value="a">A</option><option value="b">B</option><option value="c">C</option>
    </CommitSelect>,
  );
  return { onCommit, select: screen.getByLabelText('Role') as HTMLSelectElement };
}

describe('CommitSelect', () => {
  it('writes nothing while arrow keys move the choice, then once on Enter', () => {
    const { onCommit, select } = setup();
    for (const v of ['b', 'c', 'b']) {
      fireEvent.keyDown(select, { key: v === 'c' ? 'ArrowDown' : 'ArrowUp' });
      fireEvent.change(select, { target: { value: v } });
    }
    expect(onCommit).not.toHaveBeenCalled();
    fireEvent.keyDown(select, { key: 'Enter' });
    expect(onCommit.mock.calls).toEqual([['b']]);
    fireEvent.blur(select);
    expect(onCommit).toHaveBeenCalledTimes(1);
  });

  it('puts the value back on Escape and writes nothing', () => {
    const { onCommit, select } = setup();
    fireEvent.keyDown(select, { key: 'ArrowDown' });
    fireEvent.change(select, { target: { value: 'b' } });
    fireEvent.keyDown(select, { key: 'Escape' });
    expect(select.value).toBe('a');
    fireEvent.blur(select);
    expect(onCommit).not.toHaveBeenCalled();
  });

  it('applies a pick with the pointer at once', () => {
    const { onCommit, select } = setup();
    fireEvent.pointerDown(select);
    fireEvent.change(select, { target: { value: 'c' } });
    expect(onCommit.mock.calls).toEqual([['c']]);
  });

  it('applies a draft left behind when focus moves on', () => {
    const { onCommit, select } = setup();
    fireEvent.keyDown(select, { key: 'ArrowDown' });
    fireEvent.change(select, { target: { value: 'b' } });
    fireEvent.blur(select);
    expect(onCommit.mock.calls).toEqual([['b']]);
  });
});
