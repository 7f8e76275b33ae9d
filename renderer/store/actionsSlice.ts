/** One action per thing a person does; each builds an op draft and submits it (optimistic, queued). */
import type { StateCreator } from 'zustand/vanilla';
import type { StoreCtx } from './context.ts';
import type { ActionsSlice, SubmitResult, WarRoomState } from './types.ts';

export type { ActionsSlice, HelpInput, TaskInput } from './types.ts';

/** How often "typing" may be sent, in ms. */
const TYPING_THROTTLE_MS = 2_000;

const withId = (r: SubmitResult, id: string): SubmitResult => (r.ok ? { ...r, id } : r);

export const createActionsSlice = (ctx: StoreCtx): StateCreator<WarRoomState, [], [], ActionsSlice> => (_set, get) => {
  const submit: WarRoomState['submit'] = (draft) => get().submit(draft);
  let lastTyping = { value: false, at: 0 };
  return {
    addEntry(kind, text, occurredAt) {
      const entryId = ctx.uuid();
      return withId(submit({ type: 'timeline.add', payload: { entryId, kind, text, ...(occurredAt !== undefined ? { occurredAt } : {}) } }), entryId);
    },
    editEntry: (entryId, text) => submit({ type: 'timeline.edit', payload: { entryId, text } }),
    deleteEntry: (entryId) => submit({ type: 'timeline.delete', payload: { entryId } }),
    restoreEntry: (entryId) => submit({ type: 'timeline.restore', payload: { entryId } }),
    pinEntry: (entryId, pinned) => submit({ type: 'timeline.pin', payload: { entryId, pinned } }),
    addTask(input) {
      const taskId = ctx.uuid();
      return withId(submit({ type: 'task.add', payload: { taskId, ...input } }), taskId);
    },
    moveTask: (taskId, column, rank) => submit({ type: 'task.move', payload: { taskId, column, rank } }),
    updateTask: (taskId, patch) => submit({ type: 'task.update', payload: { taskId, ...patch } }),
    deleteTask: (taskId) => submit({ type: 'task.delete', payload: { taskId } }),
    restoreTask: (taskId) => submit({ type: 'task.restore', payload: { taskId } }),
    setStatus: (status, note) => submit({ type: 'incident.status', payload: { status, ...(note ? { note } : {}) } }),
    setSeverity: (severity, note) => submit({ type: 'incident.severity', payload: { severity, ...(note ? { note } : {}) } }),
    assignRole: (role, memberId) => submit({ type: 'incident.role', payload: { role, memberId } }),
    updateIncident: (patch) => submit({ type: 'incident.update', payload: patch }),
    setTimes: (patch) => submit({ type: 'incident.times', payload: patch }),
    joinAsMember() {
      const p = get().prefs;
      return submit({ type: 'member.join', payload: {
        name: p.name.trim() || `Member ${p.clientId.slice(0, 4)}`, timeZone: p.timeZone, skills: p.skills,
        workingHours: p.workingHours, availability: p.availability,
      } });
    },
    updateMember: (patch) => submit({ type: 'member.update', payload: patch }),
    askHelp(input) {
      const helpId = ctx.uuid();
      return withId(submit({ type: 'help.ask', payload: { helpId, ...input } }), helpId);
    },
    ackHelp: (helpId, text) => submit({ type: 'help.ack', payload: { helpId, ...(text ? { text } : {}) } }),
    resolveHelp: (helpId, text) => submit({ type: 'help.resolve', payload: { helpId, ...(text ? { text } : {}) } }),
    cancelHelp: (helpId) => submit({ type: 'help.cancel', payload: { helpId } }),
    updatePostmortem: (patch) => submit({ type: 'postmortem.update', payload: patch }),
    addActionItem(input) {
      const actionId = ctx.uuid();
      return withId(submit({ type: 'postmortem.action.add', payload: { actionId, ...input } }), actionId);
    },
    updateActionItem: (actionId, patch) => submit({ type: 'postmortem.action.update', payload: { actionId, ...patch } }),
    deleteActionItem: (actionId) => submit({ type: 'postmortem.action.delete', payload: { actionId } }),
    restoreActionItem: (actionId) => submit({ type: 'postmortem.action.restore', payload: { actionId } }),
    setTyping(typing) {
      const { incidentId, connection } = get();
      if (!incidentId || connection.kind !== 'connected') return;
      const now = ctx.now();
      if (typing === lastTyping.value && now - lastTyping.at < TYPING_THROTTLE_MS) return;
      lastTyping = { value: typing, at: now };
      ctx.transport.send('presence:typing', { incidentId, typing });
    },
  };
};
