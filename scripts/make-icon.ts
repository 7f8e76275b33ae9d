/**
 * Draws the app icon (build/icons/icon.png, 1024×1024) without image tools: a dark rounded tile
 * with a red alert disc and a white "!". electron-builder derives the .icns/.ico from it.
 * Run: node scripts/make-icon.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array()),
  ]);
}

type Rgba = [number, number, number, number];

/** Colour of one sample point, in a unit square (0..1). */
function sample(x: number, y: number): Rgba {
  const m = 0.06, r = 0.2;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - r), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - r), 0);
  if (Math.hypot(qx, qy) > r) return [0, 0, 0, 0];
  const white: Rgba = [245, 245, 245, 255];
  const inBar = Math.abs(x - 0.5) < 0.045 && y > 0.27 && y < 0.6;
  const inDot = Math.hypot(x - 0.5, y - 0.7) < 0.05;
  if (inBar || inDot) return white;
  if (Math.hypot(x - 0.5, y - 0.5) < 0.33) return [220, 38, 38, 255];
  return [17, 19, 24, 255];
}

/** The tray's "unread alerts" variant: the same tile with an amber dot, ringed in dark, at top right. */
function sampleWithBadge(x: number, y: number): Rgba {
  const d = Math.hypot(x - 0.78, y - 0.22);
  if (d < 0.17) return [250, 204, 21, 255];
  if (d < 0.23) return [17, 19, 24, 255];
  return sample(x, y);
}

export function drawIcon(size = SIZE, ss = 3, at: (x: number, y: number) => Rgba = sample): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = at((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size);
          for (let i = 0; i < 3; i++) acc[i]! += c[i]! * c[3];
          acc[3]! += c[3];
        }
      }
      const o = (py * size + px) * 4;
      const a = acc[3]!;
      for (let i = 0; i < 3; i++) out[o + i] = a ? Math.round(acc[i]! / a) : 0;
      out[o + 3] = Math.round(a / (ss * ss));
    }
  }
  return out;
}

if (import.meta.main) {
  const file = path.resolve(import.meta.dirname, '..', 'build', 'icons', 'icon.png');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, encodePng(SIZE, SIZE, drawIcon()));
  // Tray icons (main/tray.ts): 32 px, plain and with the unread badge.
  writeFileSync(path.join(path.dirname(file), 'tray.png'), encodePng(32, 32, drawIcon(32, 4)));
  writeFileSync(path.join(path.dirname(file), 'tray-unread.png'), encodePng(32, 32, drawIcon(32, 4, sampleWithBadge)));
  console.log(`Wrote ${file}, tray.png and tray-unread.png`);
}
