/**
 * Automatic updates through electron-updater, off unless the person turns them on (Help menu):
 * an incident tool must not restart itself mid-incident, but a protocol bump strands old clients,
 * so the option exists and a downloaded update is installed only at the next quit. The feed is
 * the `publish` entry of electron-builder.yml (written into app-update.yml at packaging time).
 */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

export interface UpdateDeps {
  isPackaged: boolean;
  enabled: boolean;
  load(): Promise<UpdaterLike>;
  log(message: string): void;
  onDownloaded(version: string): void;
}

/** Starts checking when enabled and packaged (a dev build has no app-update.yml); returns whether it did. */
export async function startAutoUpdate(deps: UpdateDeps): Promise<boolean> {
  if (!deps.enabled || !deps.isPackaged) return false;
  const updater = await deps.load();
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.on('error', (err) => deps.log(`update check failed: ${err.message}`));
  updater.on('update-downloaded', (info) => deps.onDownloaded(info.version));
  await updater.checkForUpdates().catch((err: unknown) => deps.log(`update check failed: ${(err as Error).message}`));
  return true;
}
