import { useRef, type ChangeEvent } from 'react';
import { MAX_IMPORT_CHARS } from '../../../shared/constants.ts';

/** "Open an export…": a real button that opens the file chooser for a War Room JSON export. */
export function OpenExportButton({ onOpen, onError }: { onOpen: (text: string, fileName: string) => void; onError: (message: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_IMPORT_CHARS) {
      onError(`That file is larger than a War Room export can be (${Math.round(file.size / 1e6)} MB).`);
      return;
    }
    try {
      onOpen(await file.text(), file.name);
    } catch (err) {
      onError(`The file could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} data-testid="open-export" title="Review a JSON export, offline and read-only">
        Open an export…
      </button>
      <input ref={input} type="file" accept=".json,application/json" className="visually-hidden" tabIndex={-1} aria-hidden="true"
        data-testid="open-export-input" onChange={(e) => void pick(e)} />
    </>
  );
}
