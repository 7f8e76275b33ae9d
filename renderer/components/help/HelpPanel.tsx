import type { HelpRequest, Member } from '../../../shared/model.ts';
import { formatDuration } from '../../../shared/time.ts';
import { useNow } from '../../hooks/useNow.ts';
import { clockLabel, useTimeFormat } from '../../hooks/timeFormat.ts';
import { helpTargets } from '../../store/helpRules.ts';

interface Props {
  requests: HelpRequest[];
  me: Member | undefined;
  nameOf: (id: string) => string;
  canEdit: boolean;
  onAsk: () => void;
  onAck: (id: string) => void;
  onResolve: (id: string) => void;
  onCancel: (id: string) => void;
}

const ORDER = { open: 0, acknowledged: 1, resolved: 2, cancelled: 3 } as const;

export function HelpPanel({ requests, me, nameOf, canEdit, onAsk, onAck, onResolve, onCancel }: Props) {
  const now = useNow(30_000);
  const fmt = useTimeFormat();
  const sorted = [...requests].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.askedAt - a.askedAt);
  return (
    <div data-testid="help-panel">
      <div className="row" style={{ marginBottom: 8 }}>
        <strong className="grow">Help requests</strong>
        {canEdit && <button className="primary" onClick={onAsk} data-testid="help-ask-open">Ask for help (a)</button>}
      </div>
      {sorted.length === 0 && <p className="muted">No help requests yet.</p>}
      {sorted.map((r) => {
        const active = r.status === 'open' || r.status === 'acknowledged';
        const target = me ? helpTargets(r, me.id, me.skills) : false;
        const mine = me?.id === r.askedBy;
        const who = [...r.skills.map((s) => `#${s}`), ...r.memberIds.map(nameOf)].join(', ');
        return (
          <article key={r.id} className={`help-req urgency-${r.urgency}${target && active ? ' mine-target' : ''}`} data-testid="help-request" data-help-id={r.id} data-status={r.status}>
            <div className="row">
              <strong className="grow">{nameOf(r.askedBy)} → {who}</strong>
              <span className="faint">{r.urgency} · {r.status}</span>
            </div>
            <div className="help-text" data-testid="help-text">{r.text}</div>
            <div className="faint">
              asked {clockLabel(r.askedAt, fmt)} ({formatDuration(now - r.askedAt)} ago)
              {r.escalation > 0 && <> · escalated to {r.escalation === 1 ? 'everyone with the skill' : 'everyone'}</>}
              {r.ackBy && <> · acknowledged by {nameOf(r.ackBy)}</>}
              {r.closedBy && <> · {r.status} by {nameOf(r.closedBy)}</>}
            </div>
            {canEdit && active && (
              <div className="help-actions">
                {!mine && <button onClick={() => onAck(r.id)} data-testid="help-ack">{r.status === 'open' ? "I'm on it" : "I'm on it too"}</button>}
                <button onClick={() => onResolve(r.id)} data-testid="help-resolve">Resolved</button>
                {mine && <button className="danger" onClick={() => onCancel(r.id)} data-testid="help-cancel">Cancel request</button>}
              </div>
            )}
          </article>
        );
      })}
    </div>
  );
}
