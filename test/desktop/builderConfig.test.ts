import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
// js-yaml ships without types; electron-builder itself parses its config with it.
const { load } = require('js-yaml') as { load(text: string): unknown };
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;

type Target = string | { target: string };
interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  extraMetadata: { main: string };
  protocols: { name: string; schemes: string[] }[];
  artifactName: string;
  linux: { target: Target[]; icon: string };
  mac: { target: Target[]; icon: string };
  win: { target: Target[]; icon: string };
}

const config = load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const validate = (c: unknown) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const ok = ajv.validate(schema, c);
  return { ok, errors: ajv.errorsText(ajv.errors) };
};
const targets = (t: Target[]) => t.map((x) => (typeof x === 'string' ? x : x.target));

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\u2019s own JSON schema', () => {
    const res = validate(config);
    expect(res.errors).toBe('No errors');
    expect(res.ok).toBe(true);
  });

  it('the schema check is real: a misspelt key is refused', () => {
    expect(validate({ ...config, productname: 'War Room' }).ok).toBe(false);
    expect(validate({ ...config, protocols: [{ schemes: 'warroom' }] }).ok).toBe(false);
  });

  it('names the app and its warroom:// protocol', () => {
    expect(config.productName).toBe('War Room');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['warroom']);
  });

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(targets(config.linux.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(config.mac.target)).toEqual(['dmg']);
    expect(targets(config.win.target)).toEqual(['nsis']);
    expect(config.artifactName).toContain('${version}');
  });

  it('packs the built main and renderer, started from package.json "main"', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(pkg.main).toBe('dist/main/main.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**/*', 'dist/renderer/**/*']));
    expect(pkg.scripts.dist).toContain('electron-builder');
  });

  it('has an icon large enough for every platform (PNG, at least 512 px)', () => {
    for (const icon of new Set([config.linux.icon, config.mac.icon, config.win.icon])) {
      const png = readFileSync(path.join(root, icon));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
    }
  });
});
