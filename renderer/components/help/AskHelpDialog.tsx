import { useMemo, useState } from 'react';
import { URGENCIES, type Member, type Urgency } from '../../../shared/model.ts';
import { MAX_TEXT_CHARS } from '../../../shared/constants.ts';
import { Dialog } from '../common/Dialog.tsx';

export interface AskHelp {
  skills: string[];
  memberIds: string[];
  urgency: Urgency;
  text: string;
}

interface Props {
  members: Member[];
  meId: string | null;
  online: ReadonlySet<string>;
  initialMemberIds?: string[];
  onAsk: (req: AskHelp) => void;
  onClose: () => void;
}

export function AskHelpDialog({ members, meId, online, initialMemberIds = [], onAsk, onClose }: Props) {
  const [skills, setSkills] = useState<string[]>([]);
  const [people, setPeople] = useState<string[]>(initialMemberIds);
  const [urgency, setUrgency] = useState<Urgency>('now');
  const [text, setText] = useState('');
  const allSkills = useMemo(() => [...new Set(members.flatMap((m) => m.skills))].sort(), [members]);
  const others = members.filter((m) => m.id !== meId);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const valid = text.trim().length > 0 && (skills.length > 0 || people.length > 0);
  const submit = () => {
    if (!valid) return;
    onAsk({ skills, memberIds: people, urgency, text: text.trim() });
    onClose();
  };
  return (
    <Dialog title="Ask for help" onClose={onClose} testId="ask-help-dialog">
      <form className="form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <label>
          What do you need?
          <textarea autoFocus rows={3} maxLength={MAX_TEXT_CHARS} data-testid="help-message" value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }} />
        </label>
        <fieldset className="checks" aria-label="Skills">
          <span className="muted">Anyone with:</span>
          {allSkills.length === 0 && <span className="faint">nobody listed skills yet</span>}
          {allSkills.map((s) => (
            <label key={s} className="inline"><input type="checkbox" data-testid={`help-skill-${s}`} checked={skills.includes(s)} onChange={() => setSkills(toggle(skills, s))} /> {s}</label>
          ))}
        </fieldset>
        <fieldset className="checks" aria-label="People">
          <span className="muted">Or these people:</span>
          {others.map((m) => (
            <label key={m.id} className="inline">
              <input type="checkbox" data-testid={`help-person-${m.id}`} checked={people.includes(m.id)} onChange={() => setPeople(toggle(people, m.id))} />
              {m.name}{online.has(m.id) ? ' ●' : ''}
            </label>
          ))}
        </fieldset>
        <label className="inline">
          Urgency
          <select data-testid="help-urgency" value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)}>
            {URGENCIES.map((u) => <option key={u} value={u}>{u}</option>)}
          </select>
        </label>
        <div className="actions">
          <span className="faint grow">{valid ? 'Ctrl+Enter sends' : 'Say what you need and pick a skill or a person.'}</span>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!valid} data-testid="help-send">Ask</button>
        </div>
      </form>
    </Dialog>
  );
}
