/**
 * The session and web-contents rules of the security checklist, applied to Electron: permission
 * handlers (notifications and the configured server's local-network access, for the app only),
 * the CSP header in development, a locked-down PDF partition, navigation and window-open guards,
 * no <webview>, and the context menu.
 */
import type * as Electron from 'electron';
import { buildContextMenu } from './contextMenu.ts';
import { createNavigationGuard, createPermissionCheckHandler, createPermissionRequestHandler, createWindowOpenHandler, withCsp } from './security.ts';

export interface SessionDeps {
  session: typeof Electron.session;
  appOrigin: string;
  devServerUrl: string | null;
  currentServer(): string | null;
  currentCsp(): string;
  pdfPartition: string;
}

export function hardenSessions(d: SessionDeps): void {
  const ses = d.session.defaultSession;
  ses.setPermissionRequestHandler(createPermissionRequestHandler(d.appOrigin, d.currentServer));
  ses.setPermissionCheckHandler(createPermissionCheckHandler(d.appOrigin, d.currentServer));
  // The dev server's pages get the CSP by header; app:// responses carry it from the protocol handler.
  if (d.devServerUrl) {
    ses.webRequest.onHeadersReceived({ urls: [`${d.appOrigin}/*`] }, (details, callback) => {
      callback({ responseHeaders: withCsp(details.responseHeaders, d.currentCsp()) });
    });
  }
  const pdf = d.session.fromPartition(d.pdfPartition);
  pdf.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  pdf.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !/^(file|data):/.test(details.url) }));
}

export interface ContentsDeps {
  app: Pick<Electron.App, 'on'>;
  shell: Pick<Electron.Shell, 'openExternal'>;
  Menu: Pick<typeof Electron.Menu, 'buildFromTemplate'>;
  appOrigin: string;
}

export function hardenContents(d: ContentsDeps): void {
  d.app.on('web-contents-created', (_event, contents) => {
    const guard = createNavigationGuard(d.appOrigin, (url) => void d.shell.openExternal(url));
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(createWindowOpenHandler((url) => void d.shell.openExternal(url)));
    contents.on('context-menu', (_e, params) => {
      const items = buildContextMenu(params, {
        replaceMisspelling: (w) => contents.replaceMisspelling(w),
        addToDictionary: (w) => contents.session.addWordToSpellCheckerDictionary(w),
      });
      if (items.length > 0) d.Menu.buildFromTemplate(items).popup();
    });
  });
}
