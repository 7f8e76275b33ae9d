import { TASK_COLUMNS, type Task, type TaskColumn } from '../../../shared/model.ts';

/** A rank strictly between the neighbours' (either may be missing). */
export function rankBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 1;
  if (before === undefined) return (after as number) - 1;
  if (after === undefined) return before + 1;
  return (before + after) / 2;
}

/** Live tasks of a column in board order (rank, then id so every client agrees on ties). */
export function columnTasks(tasks: readonly Task[], column: TaskColumn): Task[] {
  return tasks
    .filter((t) => t.column === column && t.deletedAt === null)
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface Move {
  column: TaskColumn;
  rank: number;
}

/** Where `taskId` lands when dropped at `index` of `column` (index counted without the task itself). */
export function moveTo(tasks: readonly Task[], taskId: string, column: TaskColumn, index: number): Move {
  const others = columnTasks(tasks, column).filter((t) => t.id !== taskId);
  const i = Math.max(0, Math.min(index, others.length));
  return { column, rank: rankBetween(others[i - 1]?.rank, others[i]?.rank) };
}

/** Keyboard moves: to the end of the neighbouring column, or one place up / down. Null at an edge. */
export function keyboardMove(tasks: readonly Task[], taskId: string, dir: 'left' | 'right' | 'up' | 'down'): Move | null {
  const task = tasks.find((t) => t.id === taskId);
  if (!task) return null;
  const col = TASK_COLUMNS.indexOf(task.column);
  if (dir === 'left' || dir === 'right') {
    const target = TASK_COLUMNS[col + (dir === 'left' ? -1 : 1)];
    if (!target) return null;
    return moveTo(tasks, taskId, target, Number.MAX_SAFE_INTEGER);
  }
  const list = columnTasks(tasks, task.column);
  const at = list.findIndex((t) => t.id === taskId);
  const to = at + (dir === 'up' ? -1 : 1);
  if (to < 0 || to >= list.length) return null;
  return moveTo(tasks, taskId, task.column, to);
}
