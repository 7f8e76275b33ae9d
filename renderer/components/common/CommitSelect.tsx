import { useEffect, useRef, useState, type ReactNode, type Ref } from 'react';

interface Props {
  value: string;
  onCommit: (value: string) => void;
  children: ReactNode;
  'aria-label': string;
  'data-testid'?: string;
  className?: string;
  disabled?: boolean;
  title?: string;
  selectRef?: Ref<HTMLSelectElement>;
}

/**
 * A <select> whose change is written once, when the person means it. A closed select changes its
 * value on every arrow key (↓↓↑ on a role would hand it to three people and notify each), so
 * arrow keys only move a draft; Enter or leaving the field applies it, Escape puts it back.
 * A pick with the mouse (or touch) is deliberate and applies at once.
 */
export function CommitSelect({ value, onCommit, children, selectRef, ...rest }: Props) {
  const [draft, setDraft] = useState(value);
  const pointer = useRef(false);
  const committed = useRef(value);
  useEffect(() => {
    committed.current = value;
    setDraft(value);
  }, [value]);
  const commit = (v: string) => {
    if (v === committed.current) return;
    committed.current = v;
    onCommit(v);
  };
  const dirty = draft !== value;
  return (
    <select
      ref={selectRef}
      {...rest}
      className={`${rest.className ?? ''}${dirty ? ' draft' : ''}`}
      value={draft}
      aria-description={dirty ? 'Press Enter to apply, Escape to cancel' : undefined}
      onPointerDown={() => { pointer.current = true; }}
      onKeyDown={(e) => {
        pointer.current = false;
        if (e.key === 'Enter') {
          e.preventDefault();
          commit(draft);
        } else if (e.key === 'Escape' && dirty) {
          e.preventDefault();
          e.stopPropagation();
          setDraft(value);
        }
      }}
      onChange={(e) => {
        setDraft(e.target.value);
        if (pointer.current) {
          pointer.current = false;
          commit(e.target.value);
        }
      }}
      onBlur={() => commit(draft)}
    >
      {children}
    </select>
  );
}
