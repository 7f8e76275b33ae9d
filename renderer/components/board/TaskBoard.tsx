import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { DndContext, PointerSensor, closestCorners, useDroppable, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { TASK_COLUMNS, type Member, type Task, type TaskColumn } from '../../../shared/model.ts';
import { MAX_TITLE_CHARS } from '../../../shared/constants.ts';
import { columnTasks, keyboardMove, moveTo, type Move } from './ranks.ts';
import { TaskCard, type CardActions } from './TaskCard.tsx';

export interface BoardCallbacks {
  add: (title: string, assigneeId: string | null, followUp: boolean) => void;
  move: (taskId: string, move: Move) => void;
  assign: (taskId: string, memberId: string | null) => void;
  setFollowUp: (taskId: string, followUp: boolean) => void;
  remove: (task: Task) => void;
  restore: (task: Task) => void;
}

interface Props {
  tasks: Task[];
  members: Member[];
  canEdit: boolean;
  callbacks: BoardCallbacks;
  newTaskRef?: Ref<HTMLInputElement>;
}

const LABELS: Record<TaskColumn, string> = { todo: 'To do', doing: 'Doing', blocked: 'Blocked', done: 'Done' };
const colId = (c: TaskColumn) => `column:${c}`;

function Column({ column, tasks, members, canEdit, actions }: { column: TaskColumn; tasks: Task[]; members: Member[]; canEdit: boolean; actions: CardActions }) {
  const { setNodeRef, isOver } = useDroppable({ id: colId(column) });
  return (
    <section ref={setNodeRef} className={`column${isOver ? ' over' : ''}`} data-testid={`column-${column}`} aria-label={LABELS[column]}>
      <h3><span>{LABELS[column]}</span><span>{tasks.filter((t) => t.deletedAt === null).length}</span></h3>
      <SortableContext id={column} items={tasks.map((t) => t.id)} strategy={verticalListSortingStrategy}>
        <div role="list">
          {tasks.map((t) => <TaskCard key={t.id} task={t} members={members} canEdit={canEdit} actions={actions} />)}
        </div>
      </SortableContext>
    </section>
  );
}

/** Task board: drag with the mouse, or focus a card and use Shift+arrows; every move is one task.move op. */
export function TaskBoard({ tasks, members, canEdit, callbacks, newTaskRef }: Props) {
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState('');
  const [followUp, setFollowUp] = useState(false);
  const [showDeleted, setShowDeleted] = useState(false);
  const [announce, setAnnounce] = useState('');
  const focusAfter = useRef<string | null>(null);
  const boardRef = useRef<HTMLDivElement>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  const byColumn = useMemo(() => {
    const out = {} as Record<TaskColumn, Task[]>;
    for (const c of TASK_COLUMNS) {
      const live = columnTasks(tasks, c);
      out[c] = showDeleted ? [...live, ...tasks.filter((t) => t.column === c && t.deletedAt !== null)] : live;
    }
    return out;
  }, [tasks, showDeleted]);

  const latest = useRef({ tasks, byColumn, callbacks });
  latest.current = { tasks, byColumn, callbacks };

  // A moved card re-mounts in its new column; give it focus back so keyboard moves can chain.
  useEffect(() => {
    const id = focusAfter.current;
    if (!id) return;
    const el = boardRef.current?.querySelector<HTMLElement>(`[data-task-id="${id}"]`);
    if (el && document.activeElement !== el) el.focus();
    focusAfter.current = null;
  }, [tasks]);

  const actions = useMemo<CardActions>(() => ({
    keyDown: (task, e: KeyboardEvent<HTMLDivElement>) => {
      if (e.target !== e.currentTarget) return;
      const { tasks: all, byColumn: cols, callbacks: cb } = latest.current;
      const arrows: Record<string, 'left' | 'right' | 'up' | 'down'> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
      const dir = arrows[e.key];
      if (dir && e.shiftKey) {
        e.preventDefault();
        if (!canEdit || task.deletedAt !== null) return;
        const move = keyboardMove(all, task.id, dir);
        if (!move) return;
        focusAfter.current = task.id;
        cb.move(task.id, move);
        setAnnounce(`Moved ${task.title} to ${LABELS[move.column]}`);
      } else if (dir) {
        e.preventDefault();
        const col = TASK_COLUMNS.indexOf(task.column);
        const list = cols[task.column];
        const at = list.findIndex((t) => t.id === task.id);
        let target: Task | undefined;
        if (dir === 'up') target = list[at - 1];
        else if (dir === 'down') target = list[at + 1];
        else {
          for (let c = col + (dir === 'left' ? -1 : 1); c >= 0 && c < TASK_COLUMNS.length && !target; c += dir === 'left' ? -1 : 1) {
            const other = cols[TASK_COLUMNS[c]!];
            target = other[Math.min(at, other.length - 1)];
          }
        }
        if (target) boardRef.current?.querySelector<HTMLElement>(`[data-task-id="${target.id}"]`)?.focus();
      } else if (canEdit && (e.key === 'x' || e.key === 'Delete') && task.deletedAt === null) {
        e.preventDefault();
        cb.remove(task);
      } else if (canEdit && e.key === 'f' && task.deletedAt === null) {
        e.preventDefault();
        cb.setFollowUp(task.id, !task.followUp);
      }
    },
    assign: (id, m) => latest.current.callbacks.assign(id, m),
    toggleFollowUp: (t) => latest.current.callbacks.setFollowUp(t.id, !t.followUp),
    remove: (t) => latest.current.callbacks.remove(t),
    restore: (t) => latest.current.callbacks.restore(t),
  }), [canEdit]);

  const onDragEnd = (e: DragEndEvent) => {
    const id = String(e.active.id);
    const over = e.over ? String(e.over.id) : null;
    if (!over || over === id) return;
    let move: Move;
    if (over.startsWith('column:')) {
      move = moveTo(tasks, id, over.slice(7) as TaskColumn, Number.MAX_SAFE_INTEGER);
    } else {
      const target = tasks.find((t) => t.id === over);
      if (!target) return;
      const others = columnTasks(tasks, target.column).filter((t) => t.id !== id);
      const index = others.findIndex((t) => t.id === over);
      const source = tasks.find((t) => t.id === id);
      const all = columnTasks(tasks, target.column);
      // Dragging down within a column drops after the card hovered; otherwise before it.
      const after = source?.column === target.column && all.findIndex((t) => t.id === id) < all.findIndex((t) => t.id === over);
      move = moveTo(tasks, id, target.column, index + (after ? 1 : 0));
    }
    const source = tasks.find((t) => t.id === id);
    if (source && source.column === move.column && source.rank === move.rank) return;
    callbacks.move(id, move);
  };

  const add = () => {
    const t = title.trim();
    if (!t) return;
    callbacks.add(t, assignee || null, followUp);
    setTitle('');
    setFollowUp(false);
  };

  return (
    <div ref={boardRef} data-testid="board">
      {canEdit && (
        <form className="task-form" onSubmit={(e) => { e.preventDefault(); add(); }}>
          <input ref={newTaskRef} className="grow" placeholder="New task (t)" aria-label="New task title" data-testid="task-new-title"
            maxLength={MAX_TITLE_CHARS} value={title} onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Escape') e.currentTarget.blur(); }} />
          <select aria-label="New task assignee" data-testid="task-new-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">unassigned</option>
            {members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
          </select>
          <label className="inline" title="Post-incident action item"><input type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} /> follow-up</label>
          <button type="submit" className="primary" disabled={!title.trim()} data-testid="task-add">Add</button>
        </form>
      )}
      <DndContext sensors={sensors} collisionDetection={closestCorners} onDragEnd={onDragEnd}>
        <div className="board-wrap">
          <div className="board">
            {TASK_COLUMNS.map((c) => <Column key={c} column={c} tasks={byColumn[c]} members={members} canEdit={canEdit} actions={actions} />)}
          </div>
        </div>
      </DndContext>
      <div className="row" style={{ marginTop: 6 }}>
        <label className="inline faint" style={{ whiteSpace: 'nowrap' }}><input type="checkbox" data-testid="board-show-deleted" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} /> show deleted</label>
        <span className="faint">Focus a card: arrows move focus, Shift+arrows move the task, f flags follow-up, x deletes.</span>
      </div>
      <div className="visually-hidden" aria-live="polite">{announce}</div>
    </div>
  );
}
