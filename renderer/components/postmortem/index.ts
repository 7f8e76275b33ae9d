/** The postmortem editing view, for the incident layout to mount (see PostmortemView and openPostmortem). */
export { PostmortemEditor, PostmortemPrompt, PostmortemView, type PostmortemEditorProps } from './PostmortemView.tsx';
export { ActionItems, type ActionCallbacks, type ActionInput, type ActionPatch } from './ActionItems.tsx';
export { PostmortemFields, parseCount, toLines, type PostmortemPatch } from './PostmortemFields.tsx';
export { onOpenPostmortem, openPostmortem } from './openPostmortem.ts';
