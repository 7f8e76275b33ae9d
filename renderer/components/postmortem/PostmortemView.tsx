import { useMemo, type CSSProperties } from 'react';
import type { Member, Postmortem, Status } from '../../../shared/model.ts';
import { pushToast } from '../../hooks/toasts.ts';
import { useWarRoom, useWarRoomStore } from '../../hooks/useWarRoom.ts';
import { selectCanEdit, selectMembers } from '../../store/index.ts';
import { report } from '../incident/report.ts';
import { ActionItems, type ActionCallbacks } from './ActionItems.tsx';
import { openPostmortem } from './openPostmortem.ts';
import { PostmortemFields, type PostmortemPatch } from './PostmortemFields.tsx';

export interface PostmortemEditorProps {
  postmortem: Postmortem;
  members: Member[];
  status: Status;
  canEdit: boolean;
  onUpdate: (patch: PostmortemPatch) => void;
  actions: ActionCallbacks;
}

const S: Record<string, CSSProperties> = {
  root: { display: 'grid', gap: 8, padding: '4px 2px 16px' },
  lead: { margin: 0 },
};

/** The postmortem as a form: every section, quantified impact and action items; pure (props in, callbacks out). */
export function PostmortemEditor({ postmortem, members, status, canEdit, onUpdate, actions }: PostmortemEditorProps) {
  return (
    <section style={S.root} aria-labelledby="pm-title" data-testid="postmortem-view">
      <h2 id="pm-title" style={{ margin: 0 }}>Postmortem</h2>
      <p className="muted" style={S.lead}>
        Blameless: what happened, what we learned and what we will change, not who is to blame.
        {status !== 'resolved' && ' The incident is still open; you can start writing now.'}
        {!canEdit && ' You can read it; only responders and leads can change it.'}
      </p>
      <PostmortemFields postmortem={postmortem} readOnly={!canEdit} onUpdate={onUpdate} />
      <ActionItems items={postmortem.actionItems} members={members} canEdit={canEdit} callbacks={actions} />
    </section>
  );
}

/** The editor wired to the store: ops go through the outbox (offline-safe); refusals show as toasts. */
export function PostmortemView() {
  const store = useWarRoomStore();
  const postmortem = useWarRoom((s) => s.view?.postmortem ?? null);
  const status = useWarRoom((s) => s.view?.status ?? 'investigating');
  const members = useWarRoom(selectMembers);
  const canEdit = useWarRoom(selectCanEdit);
  const actions = useMemo<ActionCallbacks>(() => {
    const a = () => store.getState();
    return {
      add: (input) => report(a().addActionItem(input)),
      update: (id, patch) => report(a().updateActionItem(id, patch)),
      remove: (item) => {
        if (!report(a().deleteActionItem(item.id))) return;
        pushToast({ text: `Action item “${item.title}” deleted.`, tone: 'info', action: { label: 'Undo', run: () => report(a().restoreActionItem(item.id)) } });
      },
      restore: (id) => { report(a().restoreActionItem(id)); },
    };
  }, [store]);
  if (!postmortem) return null;
  return (
    <PostmortemEditor
      postmortem={postmortem} members={members} status={status} canEdit={canEdit}
      onUpdate={(patch) => report(store.getState().updatePostmortem(patch))} actions={actions}
    />
  );
}

/** Shown once the incident is resolved, until the postmortem is open: the next step, one click or key away. */
export function PostmortemPrompt({ onOpen = openPostmortem }: { onOpen?: () => void }) {
  const status = useWarRoom((s) => s.view?.status);
  const written = useWarRoom((s) => {
    const pm = s.view?.postmortem;
    return pm ? Boolean(pm.summary.trim() || pm.rootCause.trim()) && pm.actionItems.some((a) => a.deletedAt === null) : false;
  });
  if (status !== 'resolved') return null;
  return (
    <div role="region" aria-label="Next step" className="postmortem-prompt" data-testid="postmortem-prompt"
      style={{ display: 'flex', gap: 8, alignItems: 'center', padding: '6px 8px', borderBottom: '1px solid var(--border)' }}>
      <span>{written ? 'Resolved. The postmortem has a draft and action items.' : 'Resolved. Next step: write the postmortem.'}</span>
      <button type="button" className="primary" onClick={onOpen}>{written ? 'Open the postmortem' : 'Write the postmortem'}</button>
    </div>
  );
}
