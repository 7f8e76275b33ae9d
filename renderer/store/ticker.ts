/** Time-driven duties: widening my unanswered help requests, reminding the commander of updates. */
import type { StoreCtx } from './context.ts';
import { dueEscalations } from './helpRules.ts';
import { updateDue } from './selectors.ts';
import type { WarRoomState } from './types.ts';

export function createTicker(get: () => WarRoomState, ctx: StoreCtx): (now?: number) => void {
  let remindedFor: number | null = null;
  return (now = ctx.now()) => {
    void ctx.engine.ping();
    const s = get();
    const view = s.view;
    if (!view || s.access === 'viewer') return;
    const me = s.prefs.clientId;
    for (const e of dueEscalations(view, me, now, s.prefs.helpEscalateAfterMin)) get().escalateHelp(e.helpId, e.level);
    const due = updateDue(view, now);
    if (due.overdue && view.roles.commander === me && remindedFor !== due.dueAt && s.prefs.notifications) {
      remindedFor = due.dueAt;
      void ctx.platform?.notify({ title: `Stakeholder update due: ${view.title}`, body: 'Post an update to the timeline (kind "update").', incidentId: view.id })
        .catch(() => undefined);
    }
  };
}
