import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { Member, Task, TaskColumn } from '../../../shared/model.ts';
import { TaskBoard, type BoardCallbacks } from './TaskBoard.tsx';
import { keyboardMove, moveTo, rankBetween } from './ranks.ts';

afterEach(cleanup);

const task = (id: string, column: TaskColumn, rank: number, over: Partial<Task> = {}): Task => ({
  id, title: `Task ${id}`, description: '', column, assigneeId: null, rank, followUp: false, dueAt: null,
  createdAt: 0, createdBy: 'tom', updatedAt: 0, doneAt: null, deletedAt: null, ...over,
});
const members: Member[] = [{ id: 'tom', name: 'Tom', timeZone: 'UTC', skills: [], workingHours: { start: '09:00', end: '17:00' }, availability: 'available', joinedAt: 0 }];
const tasks = [task('a', 'todo', 1), task('b', 'todo', 2), task('c', 'todo', 3), task('d', 'doing', 5)];
const callbacks = (): BoardCallbacks => ({ add: vi.fn(), move: vi.fn(), assign: vi.fn(), setFollowUp: vi.fn(), remove: vi.fn(), restore: vi.fn() });
const card = (id: string) => document.querySelector<HTMLElement>(`[data-task-id="${id}"]`)!;

describe('rank helpers', () => {
  it('places between neighbours', () => {
    expect(rankBetween(undefined, undefined)).toBe(1);
    expect(rankBetween(2, undefined)).toBe(3);
    expect(rankBetween(undefined, 2)).toBe(1);
    expect(rankBetween(1, 2)).toBe(1.5);
  });
  it.each([
    ['a', 'down', { column: 'todo', rank: 2.5 }],
    ['c', 'up', { column: 'todo', rank: 1.5 }],
    ['a', 'right', { column: 'doing', rank: 6 }],
    ['a', 'up', null],
    ['d', 'right', { column: 'blocked', rank: 1 }],
  ] as const)('%s %s → %j', (id, dir, expected) => {
    expect(keyboardMove(tasks, id, dir)).toEqual(expected);
  });
  it('drops at an index ignoring the moved task', () => {
    expect(moveTo(tasks, 'c', 'todo', 0)).toEqual({ column: 'todo', rank: 0 });
  });
});

describe('TaskBoard keyboard', () => {
  it('moves the focused task to the next column with Shift+ArrowRight', () => {
    const cb = callbacks();
    render(<TaskBoard tasks={tasks} members={members} canEdit callbacks={cb} />);
    card('b').focus();
    fireEvent.keyDown(card('b'), { key: 'ArrowRight', shiftKey: true });
    expect(cb.move).toHaveBeenCalledWith('b', { column: 'doing', rank: 6 });
    expect(screen.getByText('Moved Task b to Doing')).toBeTruthy();
  });

  it('reorders with Shift+ArrowUp and moves focus with plain arrows', () => {
    const cb = callbacks();
    render(<TaskBoard tasks={tasks} members={members} canEdit callbacks={cb} />);
    card('b').focus();
    fireEvent.keyDown(card('b'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(card('c'));
    fireEvent.keyDown(card('c'), { key: 'ArrowUp', shiftKey: true });
    expect(cb.move).toHaveBeenCalledWith('c', { column: 'todo', rank: 1.5 });
    fireEvent.keyDown(card('c'), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(card('d'));
  });

  it('flags follow-up and deletes from the keyboard, but not for a viewer', () => {
    const cb = callbacks();
    const { rerender } = render(<TaskBoard tasks={tasks} members={members} canEdit callbacks={cb} />);
    fireEvent.keyDown(card('a'), { key: 'f' });
    fireEvent.keyDown(card('a'), { key: 'x' });
    expect(cb.setFollowUp).toHaveBeenCalledWith('a', true);
    expect(cb.remove).toHaveBeenCalledWith(tasks[0]);
    const viewer = callbacks();
    rerender(<TaskBoard tasks={tasks} members={members} canEdit={false} callbacks={viewer} />);
    fireEvent.keyDown(card('a'), { key: 'ArrowRight', shiftKey: true });
    fireEvent.keyDown(card('a'), { key: 'x' });
    expect(viewer.move).not.toHaveBeenCalled();
    expect(viewer.remove).not.toHaveBeenCalled();
  });

  it('hides deleted tasks until asked', () => {
    render(<TaskBoard tasks={[...tasks, task('z', 'todo', 9, { deletedAt: 1 })]} members={members} canEdit callbacks={callbacks()} />);
    expect(card('z')).toBeNull();
    fireEvent.click(screen.getByTestId('board-show-deleted'));
    expect(card('z')).not.toBeNull();
  });
});
