/**
 * Checks of the SQLite files themselves, before SQLite opens them: a 0-byte or truncated main
 * file, a file that is not SQLite at all, and a write-ahead log whose committed frames fail their
 * checksums. SQLite on its own would start empty on a 0-byte file and silently stop reading a WAL
 * at its first bad frame, dropping every commit after it; both would hide a loss.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const SHM_HEADER_BYTES = 136;

function readAt(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const RESTORE = 'Restore a backup (`warroom restore <file>`), or move the file away and start with --init for a new, empty database.';

/** A sentence when the main file cannot be a whole War Room database; null when it may be. */
export function mainFileProblem(file: string): string | null {
  if (!existsSync(file)) return null;
  const size = statSync(file).size;
  if (size === 0) return `${file} is empty (0 bytes): the database was lost or never written. ${RESTORE}`;
  const head = readAt(file, 0, 100);
  if (head.length < 100 || !head.subarray(0, 16).equals(HEADER)) return `${file} is not a SQLite database (its header is damaged or missing). ${RESTORE}`;
  const rawPageSize = head.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `${file} has a damaged header (page size ${rawPageSize}). ${RESTORE}`;
  const pages = head.readUInt32BE(28);
  const headerSizeValid = pages > 0 && head.readUInt32BE(24) === head.readUInt32BE(92);
  if (size % pageSize !== 0 || (headerSizeValid && size < pages * pageSize)) {
    return `${file} is truncated (${size} bytes; its header says ${headerSizeValid ? pages * pageSize : 'whole pages of'} ${headerSizeValid ? 'bytes' : pageSize}). ${RESTORE}`;
  }
  return null;
}

function walChecksum(data: Buffer, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s;
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const a = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const b = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + a + s1) >>> 0;
    s1 = (s1 + b + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * A sentence when the WAL beside `file` holds commits SQLite would drop: a damaged header, or a
 * frame of the current log that fails its checksum with a commit after it. A torn last
 * transaction (a crash mid-write, never acknowledged) is normal and not reported.
 */
export function walProblem(file: string): string | null {
  const wal = `${file}-wal`;
  if (!existsSync(wal)) return null;
  const size = statSync(wal).size;
  if (size === 0) return null;
  const aside = `Move ${wal} away to start without its last commits (they are then lost), or restore a backup.`;
  if (size < WAL_HEADER_BYTES) return `${wal} is damaged (shorter than a WAL header); it may hold the last commits. ${aside}`;
  const buf = readAt(wal, 0, size);
  const magic = buf.readUInt32BE(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return `${wal} is not a SQLite write-ahead log (damaged header); it may hold the last commits. ${aside}`;
  const be = magic === WAL_MAGIC_BE;
  const pageSize = buf.readUInt32BE(8);
  let sum = walChecksum(buf.subarray(0, 24), be, [0, 0]);
  if (sum[0] !== buf.readUInt32BE(24) || sum[1] !== buf.readUInt32BE(28) || pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return `${wal} has a damaged header (checksum); it may hold the last commits. ${aside}`;
  }
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  let broken: number | null = null;
  let valid = 0;
  for (let off = WAL_HEADER_BYTES, frame = 1; off + frameBytes <= size; off += frameBytes, frame++) {
    const current = buf.readUInt32BE(off + 8) === salt1 && buf.readUInt32BE(off + 12) === salt2;
    if (!current) {
      if (broken === null) break; // frames left over from before the last checkpoint: not part of the log
      continue;
    }
    const commit = buf.readUInt32BE(off + 4) !== 0;
    if (broken !== null) {
      if (commit) return `${wal} is damaged at frame ${broken}: commits after it would be silently dropped. ${aside}`;
      continue;
    }
    sum = walChecksum(buf.subarray(off, off + 8), be, sum);
    sum = walChecksum(buf.subarray(off + FRAME_HEADER_BYTES, off + frameBytes), be, sum);
    if (sum[0] !== buf.readUInt32BE(off + 16) || sum[1] !== buf.readUInt32BE(off + 20)) broken = frame;
    else valid = frame;
  }
  return indexProblem(file, buf.subarray(16, 24), valid, aside);
}

/**
 * The -shm WAL index a crashed server leaves behind records how many frames were committed. A WAL
 * cut at a frame boundary looks whole on its own; when the index still describes this WAL (same
 * salts) and counts more frames than it holds, commits were lost.
 */
function indexProblem(file: string, walSalts: Buffer, validFrames: number, aside: string): string | null {
  const shm = `${file}-shm`;
  if (!existsSync(shm) || statSync(shm).size < SHM_HEADER_BYTES) return null;
  const head = readAt(shm, 0, SHM_HEADER_BYTES);
  const le = endianness() === 'LE';
  const u32 = (at: number) => (le ? head.readUInt32LE(at) : head.readUInt32BE(at));
  // Two copies of the header; SQLite trusts it only when they agree and it is initialized.
  if (!head.subarray(0, 48).equals(head.subarray(48, 96)) || head[12] !== 1) return null;
  // aSalt is copied from the WAL header as raw bytes.
  if (!head.subarray(32, 40).equals(walSalts)) return null;
  const mxFrame = u32(16);
  if (mxFrame > validFrames) {
    return `${file}-wal holds ${validFrames} whole frame(s) but its index (${shm}) says ${mxFrame} were committed: the log was cut and commits would be silently dropped. ${aside}`;
  }
  return null;
}
