import { useMemo, useState } from 'react';
import { AVAILABILITIES, type Availability, type WorkingHours } from '../../../shared/model.ts';
import { MAX_NAME_CHARS, MAX_SKILLS } from '../../../shared/constants.ts';
import { formatOffset, isValidTimeZone } from '../../../shared/time.ts';
import { Dialog } from '../common/Dialog.tsx';

export interface ProfileForm {
  name: string;
  timeZone: string;
  skills: string[];
  workingHours: WorkingHours;
  availability: Availability;
}

interface Props {
  initial: ProfileForm;
  /** Viewers keep their profile on this device only: they cannot write to the incident. */
  readOnly: boolean;
  onSave: (f: ProfileForm) => void;
  onClose: () => void;
}

function allZones(current: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['UTC'];
  }
  return zones.includes(current) ? zones : [current, ...zones];
}

const AVAILABILITY_LABEL: Record<Availability, string> = {
  available: 'Available', busy: 'Busy (ask only if urgent)', away: 'Away from keyboard', off: 'Off duty',
};

/** Who I am in the incident, editable at any time; saving updates my roster row for everyone. */
export function ProfileDialog({ initial, readOnly, onSave, onClose }: Props) {
  const [f, setF] = useState(initial);
  const [skillsText, setSkillsText] = useState(initial.skills.join(', '));
  const zones = useMemo(() => allZones(initial.timeZone), [initial.timeZone]);
  const set = (patch: Partial<ProfileForm>) => setF((x) => ({ ...x, ...patch }));
  const valid = f.name.trim().length > 0 && isValidTimeZone(f.timeZone);
  const submit = () => {
    if (!valid) return;
    const skills = [...new Set(skillsText.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, MAX_SKILLS);
    onSave({ ...f, name: f.name.trim(), skills });
  };
  return (
    <Dialog title="Your profile" onClose={onClose} testId="profile-dialog">
      <form className="form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <label>
          Name
          <input data-testid="profile-name" maxLength={MAX_NAME_CHARS} value={f.name} onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label>
          Time zone <span className="faint">now {formatOffset(Date.now(), isValidTimeZone(f.timeZone) ? f.timeZone : 'UTC')}</span>
          <select data-testid="profile-zone" value={f.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
            {zones.map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </label>
        <div className="row">
          <label className="grow">
            Working hours from
            <input type="time" data-testid="profile-hours-start" value={f.workingHours.start} onChange={(e) => set({ workingHours: { ...f.workingHours, start: e.target.value } })} />
          </label>
          <label className="grow">
            to
            <input type="time" data-testid="profile-hours-end" value={f.workingHours.end} onChange={(e) => set({ workingHours: { ...f.workingHours, end: e.target.value } })} />
          </label>
        </div>
        <label>
          Skills <span className="faint">(comma separated; help requests for these reach you)</span>
          <input data-testid="profile-skills" value={skillsText} onChange={(e) => setSkillsText(e.target.value)} placeholder="databases, networking, comms" />
        </label>
        <label>
          Availability
          <select data-testid="profile-availability" value={f.availability} onChange={(e) => set({ availability: e.target.value as Availability })}>
            {AVAILABILITIES.map((a) => <option key={a} value={a}>{AVAILABILITY_LABEL[a]}</option>)}
          </select>
        </label>
        {readOnly && <p className="muted" role="note">Read-only invite: your profile is kept on this device and is not shown to the others.</p>}
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!valid} data-testid="profile-save">Save profile</button>
        </div>
      </form>
    </Dialog>
  );
}
