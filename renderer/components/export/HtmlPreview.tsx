import { useEffect, useRef } from 'react';

/**
 * Shows an HTML export as it will print, inside a shadow root: its stylesheet stays scoped, and
 * no iframe is needed (the desktop CSP forbids frames). The exporter escapes all recorded text and
 * emits no scripts; only the page's <style> and <body> content are taken.
 */
export function HtmlPreview({ html, label }: { html: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    const doc = new DOMParser().parseFromString(html, 'text/html');
    for (const s of doc.querySelectorAll('script')) s.remove();
    const style = doc.createElement('style');
    style.textContent = [...doc.querySelectorAll('style')].map((s) => s.textContent ?? '').join('\n');
    root.replaceChildren(style, ...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
  }, [html]);
  return <div ref={host} role="document" tabIndex={0} aria-label={label} data-testid="html-preview" style={{ background: '#fff', borderRadius: 6, overflow: 'auto', maxHeight: 'min(45vh, 560px)' }} />;
}
