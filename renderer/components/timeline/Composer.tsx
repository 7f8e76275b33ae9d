import { forwardRef, memo, useRef, useState } from 'react';
import { USER_ENTRY_KINDS, type UserEntryKind } from '../../../shared/model.ts';
import { MAX_TEXT_CHARS } from '../../../shared/constants.ts';
import { displayZone, useTimeFormat, utcToWallTime, wallTimeToUtc } from '../../hooks/timeFormat.ts';

interface Props {
  kind: UserEntryKind;
  onKind: (kind: UserEntryKind) => void;
  disabled: boolean;
  onPost: (kind: UserEntryKind, text: string, occurredAt: number | undefined) => void;
  onTyping?: (typing: boolean) => void;
}

/**
 * The entry input, always at the bottom of the timeline. Enter posts; Alt+1..4 picks the kind;
 * "when" backdates the entry (entered in the viewer's display zone). What is typed stays until posted.
 */
/** Memoized: a remote op re-renders the timeline, not the input being typed in. */
export const Composer = memo(forwardRef<HTMLInputElement, Props>(function Composer({ kind, onKind: setKind, disabled, onPost, onTyping }, ref) {
  const fmt = useTimeFormat();
  const zone = displayZone(fmt);
  const [text, setText] = useState('');
  const [when, setWhen] = useState<string | null>(null);
  const whenRef = useRef<HTMLInputElement>(null);
  const whenButtonRef = useRef<HTMLButtonElement>(null);
  // Focus follows the control that replaced the one just pressed, so the keyboard never lands on <body>.
  const openWhen = () => {
    setWhen(utcToWallTime(Date.now(), zone));
    requestAnimationFrame(() => whenRef.current?.focus());
  };
  const closeWhen = () => {
    setWhen(null);
    requestAnimationFrame(() => whenButtonRef.current?.focus());
  };

  const post = () => {
    const t = text.trim();
    if (!t || disabled) return;
    const at = when ? wallTimeToUtc(when, zone) ?? undefined : undefined;
    onPost(kind, t, at);
    setText('');
    setWhen(null);
    onTyping?.(false);
  };

  return (
    <form
      className="composer"
      data-testid="composer"
      onSubmit={(e) => { e.preventDefault(); post(); }}
    >
      <select aria-label="Entry kind" data-testid="composer-kind" value={kind} onChange={(e) => setKind(e.target.value as UserEntryKind)}>
        {USER_ENTRY_KINDS.map((k, i) => <option key={k} value={k}>{k} (Alt+{i + 1})</option>)}
      </select>
      <input
        ref={ref}
        className="text"
        data-testid="composer-input"
        aria-label="New timeline entry"
        placeholder={disabled ? 'Read-only invite' : 'What happened? (n to focus, Enter to post)'}
        maxLength={MAX_TEXT_CHARS}
        disabled={disabled}
        value={text}
        onChange={(e) => { setText(e.target.value); onTyping?.(e.target.value.length > 0); }}
        onKeyDown={(e) => {
          const n = Number(e.key);
          if (e.altKey && n >= 1 && n <= USER_ENTRY_KINDS.length) {
            e.preventDefault();
            setKind(USER_ENTRY_KINDS[n - 1]!);
          } else if (e.key === 'Escape') {
            e.currentTarget.blur();
          }
        }}
      />
      {when === null ? (
        <button type="button" ref={whenButtonRef} onClick={openWhen} title="Record when it happened, if earlier" data-testid="composer-backdate">
          When…
        </button>
      ) : (
        <span className="row">
          <input
            ref={whenRef}
            type="datetime-local"
            className="backdate"
            aria-label={`Occurred at (${zone})`}
            data-testid="composer-when"
            value={when}
            onChange={(e) => setWhen(e.target.value)}
          />
          <button type="button" className="link" onClick={closeWhen} aria-label="Use the current time instead" title="Now">×</button>
        </span>
      )}
      <button type="submit" className="primary" disabled={disabled || !text.trim()} data-testid="composer-post">Post</button>
    </form>
  );
}));
