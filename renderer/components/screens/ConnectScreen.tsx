import { useMemo, useState } from 'react';
import { MAX_NAME_CHARS, MAX_SKILLS } from '../../../shared/constants.ts';
import type { WorkingHours } from '../../../shared/model.ts';

export interface ConnectForm {
  /** An invite link pasted whole, or a bare token used with serverUrl. */
  invite: string;
  serverUrl: string;
  name: string;
  timeZone: string;
  skills: string[];
  workingHours: WorkingHours;
}

interface Props {
  initial: ConnectForm;
  error: string | null;
  busy: boolean;
  onConnect: (form: ConnectForm) => void;
}

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
};

export const isInviteLink = (s: string) => /^(https?|warroom):\/\//i.test(s.trim());

/** First screen: who you are and where to connect. An invite link fills the server and token in one paste. */
export function ConnectScreen({ initial, error, busy, onConnect }: Props) {
  const [f, setF] = useState<ConnectForm>(initial);
  const [skillsText, setSkillsText] = useState(initial.skills.join(', '));
  const allZones = useMemo(() => {
    const z = zones();
    return z.includes(f.timeZone) ? z : [f.timeZone, ...z];
  }, [f.timeZone]);
  const link = isInviteLink(f.invite);
  const valid = f.name.trim() && f.invite.trim() && (link || f.serverUrl.trim());
  const set = (patch: Partial<ConnectForm>) => setF((x) => ({ ...x, ...patch }));
  return (
    <div className="screen-center">
      <form
        className="card form"
        data-testid="connect-screen"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          const skills = skillsText.split(',').map((s) => s.trim()).filter(Boolean).slice(0, MAX_SKILLS);
          onConnect({ ...f, name: f.name.trim(), skills });
        }}
      >
        <div>
          <h1>War Room</h1>
          <p className="muted" style={{ margin: 0 }}>Join an incident with the invite link you were sent.</p>
        </div>
        <label>
          Invite link or token
          <input data-testid="connect-invite" value={f.invite} onChange={(e) => set({ invite: e.target.value })}
            placeholder="http://host:4000/?token=…&incident=…" autoComplete="off" spellCheck={false} autoFocus={!initial.invite} />
        </label>
        {!link && (
          <label>
            Server address
            <input data-testid="connect-server" value={f.serverUrl} onChange={(e) => set({ serverUrl: e.target.value })} placeholder="http://host:4000" />
          </label>
        )}
        <label>
          Your name
          <input data-testid="connect-name" value={f.name} maxLength={MAX_NAME_CHARS} onChange={(e) => set({ name: e.target.value })}
            autoFocus={!!initial.invite} autoComplete="name" />
        </label>
        <div className="row">
          <label className="grow">
            Time zone
            <select data-testid="connect-zone" value={f.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
              {allZones.map((z) => <option key={z} value={z}>{z}</option>)}
            </select>
          </label>
          <label>
            Working hours
            <span className="row">
              <input type="time" aria-label="Working hours start" value={f.workingHours.start} onChange={(e) => set({ workingHours: { ...f.workingHours, start: e.target.value } })} />
              –
              <input type="time" aria-label="Working hours end" value={f.workingHours.end} onChange={(e) => set({ workingHours: { ...f.workingHours, end: e.target.value } })} />
            </span>
          </label>
        </div>
        <label>
          Skills (comma separated)
          <input data-testid="connect-skills" value={skillsText} onChange={(e) => setSkillsText(e.target.value)} placeholder="databases, networking, comms" />
        </label>
        {error && <p className="error-text" role="alert" data-testid="connect-error">{error}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={!valid || busy} data-testid="connect-submit">{busy ? 'Connecting…' : 'Join'}</button>
        </div>
      </form>
    </div>
  );
}
