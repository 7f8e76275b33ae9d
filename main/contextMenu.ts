/**
 * The right-click menu Electron does not provide: spelling suggestions for the misspelt word,
 * "Add to Dictionary", and cut/copy/paste/select all as the page allows them.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** The fields of Electron's ContextMenuParams used here. */
export interface ContextParams {
  isEditable: boolean;
  selectionText: string;
  misspelledWord: string;
  dictionarySuggestions: string[];
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
}

export interface ContextActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
}

export function buildContextMenu(p: ContextParams, actions: ContextActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (p.isEditable && p.misspelledWord) {
    for (const s of p.dictionarySuggestions.slice(0, 6)) items.push({ label: s, click: () => actions.replaceMisspelling(s) });
    if (p.dictionarySuggestions.length === 0) items.push({ label: 'No Spelling Suggestions', enabled: false });
    items.push({ label: 'Add to Dictionary', click: () => actions.addToDictionary(p.misspelledWord) }, { type: 'separator' });
  }
  if (p.isEditable) {
    items.push(
      { role: 'cut', enabled: p.editFlags.canCut },
      { role: 'copy', enabled: p.editFlags.canCopy },
      { role: 'paste', enabled: p.editFlags.canPaste },
      { type: 'separator' },
      { role: 'selectAll', enabled: p.editFlags.canSelectAll },
    );
  } else if (p.selectionText.trim()) {
    items.push({ role: 'copy', enabled: p.editFlags.canCopy });
  }
  return items;
}
