import { useEffect, useMemo, useState } from 'react';
import type { PlatformBridge, SavedServer } from '../../../shared/bridge.ts';
import { MAX_NAME_CHARS, MAX_SKILLS } from '../../../shared/constants.ts';
import type { WorkingHours } from '../../../shared/model.ts';
import { pushToast } from '../../hooks/toasts.ts';
import { getPlatform } from '../../platform/index.ts';

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
  /** The desktop shell (tests pass one); defaults to this runtime's bridge. */
  platform?: PlatformBridge;
}

/** "Start a war room on this computer" (desktop only) or "Join a server". */
type Mode = 'local' | 'join';

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
};

export const isInviteLink = (s: string) => /^(https?|warroom):\/\//i.test(s.trim());

/**
 * First screen: who you are and where to connect. On the desktop it offers to run a war room on
 * this computer (optionally shared on the LAN) or to join a server; an invite link fills the
 * server and token in one paste, and servers joined before are one click away.
 */
export function ConnectScreen({ initial, error, busy, onConnect, platform = getPlatform() }: Props) {
  const [f, setF] = useState<ConnectForm>(initial);
  const canRunLocal = platform.kind === 'electron' && typeof platform.startLocalServer === 'function';
  const [mode, setMode] = useState<Mode>(canRunLocal && !initial.invite && !initial.serverUrl ? 'local' : 'join');
  const [shareOnLan, setShareOnLan] = useState(false);
  const [starting, setStarting] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedServer[]>([]);
  useEffect(() => {
    if (platform.kind !== 'electron') return;
    let live = true;
    platform.getSettings().then((s) => live && setSaved(s.servers), () => undefined);
    return () => {
      live = false;
    };
  }, [platform]);
  const [skillsText, setSkillsText] = useState(initial.skills.join(', '));
  const allZones = useMemo(() => {
    const z = zones();
    return z.includes(f.timeZone) ? z : [f.timeZone, ...z];
  }, [f.timeZone]);
  const link = isInviteLink(f.invite);
  const valid = mode === 'local' ? !!f.name.trim() : f.name.trim() && f.invite.trim() && (link || f.serverUrl.trim());
  const set = (patch: Partial<ConnectForm>) => setF((x) => ({ ...x, ...patch }));
  const profile = () => ({ ...f, name: f.name.trim(), skills: skillsText.split(',').map((s) => s.trim()).filter(Boolean).slice(0, MAX_SKILLS) });

  const startLocal = async () => {
    setStarting(true);
    setLocalError(null);
    try {
      const r = await platform.startLocalServer!({ shareOnLan });
      if (!r.ok) {
        setLocalError(r.message);
        return;
      }
      if (r.inviteLink) pushToast({ text: `Shared on your network. Teammates join with ${r.inviteLink} (File \u2192 Copy Invite Link for Teammates).`, tone: 'info' });
      onConnect({ ...profile(), invite: r.token, serverUrl: r.serverUrl });
    } catch (err) {
      setLocalError(err instanceof Error ? err.message : String(err));
    } finally {
      setStarting(false);
    }
  };

  /** A server joined before: the shell still has its token. */
  const rejoin = async (serverUrl: string) => {
    setLocalError(null);
    try {
      const s = await platform.setSettings({ serverUrl });
      if (s.token) onConnect({ ...profile(), invite: s.token, serverUrl });
      else {
        set({ serverUrl, invite: '' });
        setLocalError(`There is no saved invite for ${serverUrl} any more. Paste the invite link you were sent.`);
      }
    } catch (err) {
      setLocalError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="screen-center">
      <form
        className="card form"
        data-testid="connect-screen"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid || starting) return;
          if (mode === 'local') void startLocal();
          else onConnect(profile());
        }}
      >
        <div>
          <h1>War Room</h1>
          <p className="muted" style={{ margin: 0 }}>
            {canRunLocal ? 'Run a war room on this computer, or join one with the invite link you were sent.' : 'Join an incident with the invite link you were sent.'}
          </p>
        </div>
        {canRunLocal && (
          <fieldset className="stack" data-testid="connect-mode">
            <legend>Where is the war room?</legend>
            <label className="row">
              <input type="radio" name="mode" value="local" checked={mode === 'local'} onChange={() => setMode('local')} data-testid="connect-mode-local" />
              Start a war room on this computer
            </label>
            {mode === 'local' && (
              <label className="row muted">
                <input type="checkbox" checked={shareOnLan} onChange={(e) => setShareOnLan(e.target.checked)} data-testid="connect-share-lan" />
                Share it on my local network (teammates get an invite link; plain http, so only on a network you trust)
              </label>
            )}
            <label className="row">
              <input type="radio" name="mode" value="join" checked={mode === 'join'} onChange={() => setMode('join')} data-testid="connect-mode-join" />
              Join a server
            </label>
          </fieldset>
        )}
        {mode === 'join' && saved.length > 0 && (
          <div className="row" data-testid="connect-saved">
            <span className="muted">Joined before:</span>
            {saved.map((s) => (
              <button type="button" key={s.serverUrl} disabled={!f.name.trim() || starting}
                // This computer's war room may not be running: starting it gives a fresh lead token.
                onClick={() => void (s.local && canRunLocal ? startLocal() : rejoin(s.serverUrl))}>
                {s.local ? `This computer (${s.serverUrl})` : s.serverUrl}
              </button>
            ))}
          </div>
        )}
        {mode === 'join' && <label>
          Invite link or token
          <input data-testid="connect-invite" value={f.invite} onChange={(e) => set({ invite: e.target.value })}
            placeholder="http://host:4000/?token=…&incident=…" autoComplete="off" spellCheck={false} autoFocus={!initial.invite} />
        </label>}
        {mode === 'join' && !link && (
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
        {(localError ?? error) && <p className="error-text" role="alert" data-testid="connect-error">{localError ?? error}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={!valid || busy || starting} data-testid="connect-submit">
            {starting ? 'Starting…' : busy ? 'Connecting…' : mode === 'local' ? 'Start War Room' : 'Join'}
          </button>
        </div>
      </form>
    </div>
  );
}
