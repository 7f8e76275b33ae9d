/**
 * electron-builder's own checks, run on our config and package.json without packaging anything:
 * its configuration loader and validator (app-builder-lib's getConfig + validateConfiguration),
 * its package.json metadata check, and the deb/fpm target's metadata step (homepage, maintainer)
 * that refused to build before package.json had a homepage. Nothing is downloaded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
type Config = Record<string, unknown> & { electronFuses?: Record<string, boolean>; linux?: Record<string, unknown>; deb?: Record<string, unknown>; publish?: unknown };
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<Config>;
  validateConfiguration(config: Config, logger: unknown): Promise<void>;
};
const { checkMetadata } = require('app-builder-lib/out/util/packageMetadata') as { checkMetadata(m: unknown, d: unknown, a: string, b: string): void };
const { AppInfo } = require('app-builder-lib/out/appInfo') as { AppInfo: new (info: unknown) => { productName: string; productFilename: string } };
const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget') as { default: { prototype: { computeFpmMetaInfoOptions(this: unknown): Promise<{ url: string; maintainer: string }> } } };
const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };

const pkgFile = path.join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
const loadConfig = () => getConfig(root, path.join(root, 'electron-builder.yml'), null);

/** The deb target's metadata step, on a packager made of our metadata and config. */
function debMetadata(metadata: Record<string, unknown>, config: Config) {
  const info = { metadata, devMetadata: metadata, config, repositoryInfo: Promise.resolve(null) };
  const packager = { info, appInfo: new AppInfo(info) };
  return FpmTarget.prototype.computeFpmMetaInfoOptions.call({ packager, options: { ...config.linux, ...config.deb } });
}

describe('electron-builder\u2019s own checks on electron-builder.yml and package.json', () => {
  it('the configuration loads and passes electron-builder\u2019s validator', async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validator is real: a misspelt fuse is refused', async () => {
    const config = await loadConfig();
    await expect(validateConfiguration({ ...config, electronFuses: { runAsnode: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses.*runAsnode|runAsnode[\s\S]*unknown|Invalid configuration object/);
  });

  it('package.json passes electron-builder\u2019s metadata check, names the app and its Linux desktop file', () => {
    expect(() => checkMetadata(pkg, pkg, pkgFile, pkgFile)).not.toThrow();
    expect(pkg).toMatchObject({ productName: 'War Room', desktopName: 'warroom.desktop', homepage: expect.stringMatching(/^https:\/\//) });
    expect(pkg.author).toMatchObject({ name: expect.any(String), email: expect.stringMatching(/@/) });
  });

  it('the deb target gets its homepage and maintainer (it refuses to build without them)', async () => {
    const config = await loadConfig();
    const meta = await debMetadata(pkg, config);
    expect(meta.url).toBe(pkg.homepage);
    expect(meta.maintainer).toMatch(/<.+@.+>/);
    const { homepage: _h, ...withoutHomepage } = pkg;
    await expect(debMetadata(withoutHomepage, config)).rejects.toThrow(/homepage/);
  });

  it('burns in the security fuses: no run-as-node, NODE_OPTIONS or inspect; asar integrity, app only from asar', async () => {
    const config = await loadConfig();
    expect(config.electronFuses).toMatchObject({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
  });

  it('ships the server bundle, has an update feed, and registers warroom:// at install on Windows', async () => {
    const config = await loadConfig();
    // getConfig normalizes `files` into filter sets.
    const files = (config.files as { filter: string[] }[]).flatMap((f) => f.filter);
    expect(files).toEqual(expect.arrayContaining(['dist/main/**/*', 'dist/renderer/**/*', 'dist/server/**/*', 'build/icons/tray.png', 'build/icons/tray-unread.png']));
    for (const icon of ['build/icons/tray.png', 'build/icons/tray-unread.png']) {
      expect(readFileSync(path.join(root, icon)).subarray(1, 4).toString('ascii')).toBe('PNG');
    }
    expect(config.publish).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) });
    expect((pkg.scripts as Record<string, string>).dist).toMatch(/build:server.*electron-builder/);
    const nsis = config.nsis as { include: string };
    expect(readFileSync(path.join(root, nsis.include), 'utf8')).toMatch(/customInstall[\s\S]*Software\\Classes\\warroom[\s\S]*URL Protocol/);
    // The dependency electron-updater needs at run time is a real dependency, so it is packed.
    expect(pkg.dependencies).toHaveProperty('electron-updater');
  });
});
