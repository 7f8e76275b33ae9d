/**
 * Server tokens at rest. They are credentials, so they live apart from settings.json, in
 * secrets.json (mode 0600), sealed with Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet)
 * where the OS offers it. Linux without a keyring gives safeStorage's "basic_text" backend, which
 * is a fixed key: we count that as not encrypted and say so rather than pretend.
 */
import { z } from 'zod';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export interface SecretBox {
  /** True when sealed values are encrypted with a key the OS keeps. */
  readonly encrypted: boolean;
  seal(plain: string): string;
  /** Throws when the value cannot be opened (another user's keyring, a changed key). */
  open(sealed: string): string;
}

export const plainBox: SecretBox = { encrypted: false, seal: (s) => s, open: (s) => s };

export function safeStorageBox(ss: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretBox {
  const backend = platform === 'linux' ? ss.getSelectedStorageBackend?.() : undefined;
  if (!ss.isEncryptionAvailable() || backend === 'basic_text') return plainBox;
  return {
    encrypted: true,
    seal: (plain) => ss.encryptString(plain).toString('base64'),
    open: (sealed) => ss.decryptString(Buffer.from(sealed, 'base64')),
  };
}

export const SECRETS_FILE = 'secrets.json';

export const secretsFileSchema = z.strictObject({
  v: z.literal(1),
  scheme: z.enum(['safeStorage', 'plain']),
  /** One entry per server origin; an array, so an origin is never used as an object key. */
  tokens: z.array(z.strictObject({ origin: z.string().max(2048), data: z.string().max(16_384) })).max(100),
});
export type SecretsFile = z.infer<typeof secretsFileSchema>;
export const EMPTY_SECRETS: SecretsFile = { v: 1, scheme: 'plain', tokens: [] };

/** Opens every token; one that cannot be opened is left out (the person joins that server again). */
export function openSecrets(file: SecretsFile, box: SecretBox): { tokens: Map<string, string>; unreadable: string[] } {
  const tokens = new Map<string, string>();
  const unreadable: string[] = [];
  for (const { origin, data } of file.tokens) {
    try {
      tokens.set(origin, file.scheme === 'safeStorage' ? box.open(data) : data);
    } catch {
      unreadable.push(origin);
    }
  }
  return { tokens, unreadable };
}

export function sealSecrets(tokens: ReadonlyMap<string, string>, box: SecretBox): SecretsFile {
  return {
    v: 1,
    scheme: box.encrypted ? 'safeStorage' : 'plain',
    tokens: [...tokens].map(([origin, token]) => ({ origin, data: box.seal(token) })),
  };
}
