import { Dialog } from './Dialog.tsx';
import { SHORTCUTS } from '../../hooks/shortcutList.ts';

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="help-overlay">
      <div className="shortcuts">
        {SHORTCUTS.map((s, i) => (
          <div key={i} style={{ display: 'contents' }}>
            <span>{s.keys.map((k, j) => <span key={k}>{j > 0 && ' '}<kbd>{k}</kbd></span>)}</span>
            <span>{s.what} <span className="faint">· {s.where}</span></span>
          </div>
        ))}
      </div>
      <div className="form"><div className="actions"><button onClick={onClose}>Close</button></div></div>
    </Dialog>
  );
}
