import { memo, type KeyboardEvent } from 'react';
import { CommitSelect } from '../common/CommitSelect.tsx';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Member, Task } from '../../../shared/model.ts';

export interface CardActions {
  keyDown: (task: Task, e: KeyboardEvent<HTMLDivElement>) => void;
  assign: (taskId: string, memberId: string | null) => void;
  toggleFollowUp: (task: Task) => void;
  remove: (task: Task) => void;
  restore: (task: Task) => void;
}

interface Props {
  task: Task;
  members: Member[];
  canEdit: boolean;
  actions: CardActions;
}

export const TaskCard = memo(function TaskCard({ task, members, canEdit, actions }: Props) {
  const deleted = task.deletedAt !== null;
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: task.id, disabled: !canEdit || deleted });
  const assignee = members.find((m) => m.id === task.assigneeId);
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      // dnd-kit's own keyboard sensor is not used: our keys (Shift+arrows) move tasks directly.
      onKeyDown={(e) => actions.keyDown(task, e)}
      tabIndex={0}
      role="listitem"
      aria-roledescription="task"
      aria-label={`${task.title}, ${task.column}${assignee ? `, assigned to ${assignee.name}` : ''}`}
      className={`task${isDragging ? ' dragging' : ''}${deleted ? ' deleted' : ''}`}
      data-testid="task-card"
      data-task-id={task.id}
      data-column={task.column}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <div className="task-title" data-testid="task-title">{task.title}</div>
      <div className="task-meta">
        {canEdit && !deleted ? (
          // Its own keys stay its own (arrows must not move the card focus), and an arrow only
          // moves the choice: Enter or leaving applies it, so nobody is assigned (and notified) per key.
          <span className="assignee" onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
            <CommitSelect aria-label="Assignee" data-testid="task-assignee" value={task.assigneeId ?? ''} onCommit={(v) => actions.assign(task.id, v || null)}>
              <option value="">unassigned</option>
              {members.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            </CommitSelect>
          </span>
        ) : (
          <span className="muted" data-testid="task-assignee-name">{members.find((m) => m.id === task.assigneeId)?.name ?? 'unassigned'}</span>
        )}
        {canEdit && !deleted ? (
          <button
            className={task.followUp ? 'follow' : 'link'}
            data-testid="task-followup"
            aria-pressed={task.followUp}
            title="Follow-up after the incident (f)"
            aria-label="Follow-up after the incident"
            onPointerDown={(e) => e.stopPropagation()}
            onClick={() => actions.toggleFollowUp(task)}
          >
            {task.followUp ? '⚑ follow-up' : '⚐'}
          </button>
        ) : task.followUp && <span className="follow">⚑ follow-up</span>}
        <span className="grow" />
        {canEdit && (deleted ? (
          <button className="link" data-testid="task-restore" onPointerDown={(e) => e.stopPropagation()} onClick={() => actions.restore(task)}>restore</button>
        ) : (
          <button className="link" data-testid="task-delete" title="Delete (x)" aria-label={`Delete task ${task.title}`} onPointerDown={(e) => e.stopPropagation()} onClick={() => actions.remove(task)}>✕</button>
        ))}
      </div>
    </div>
  );
});
