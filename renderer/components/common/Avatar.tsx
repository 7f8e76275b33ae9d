import { SERVER_ACTOR_ID } from '../../../shared/model.ts';

/** Up to two initials: "Camille Durand" → "CD", "priya" → "P". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? [...words[words.length - 1]!][0] ?? '' : '';
  return (first + last).toUpperCase();
}

// Dark backgrounds that all keep white initials above 4.5:1 contrast.
const HUES = ['#1f5f99', '#7a3e9d', '#8a4b08', '#1d6b48', '#9c2f50', '#3d5a80', '#6b5a00', '#2f6f73'];

function hueOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return HUES[h % HUES.length]!;
}

/** A member's initials on a colour of their own, so authors are told apart at a glance. */
export function Avatar({ id, name, size = 24, decorative = true }: { id: string; name: string; size?: number; decorative?: boolean }) {
  const server = id === SERVER_ACTOR_ID;
  return (
    <span
      className={`avatar${server ? ' avatar-server' : ''}`}
      aria-hidden={decorative || undefined}
      style={{ width: size, height: size, fontSize: Math.round(size * 0.42), background: server ? undefined : hueOf(id) }}
    >
      {server ? 'WR' : initials(name)}
    </span>
  );
}
