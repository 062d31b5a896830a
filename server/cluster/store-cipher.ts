/**
 * Encryption at rest for what the Redis store keeps (mail, conversations, OAuth tokens): a Redis is
 * often shared, backed up and replicated where files under a 0600 data dir are not. AES-256-GCM with
 * a key derived from `A2UI_STORE_KEY`; each value is bound to its key name (the additional data), so
 * a value copied under another user's key does not decrypt.
 */
import crypto from 'node:crypto';

const VERSION = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class StoreCipher {
  private readonly key: Buffer;

  /** `secret`: A2UI_STORE_KEY, at least 32 characters (checked by the config). */
  constructor(secret: string) {
    // scrypt: a passphrase-like secret still yields a key that is costly to guess from a stolen dump.
    this.key = crypto.scryptSync(secret, 'a2ui-orchestrator store v1', 32);
  }

  encrypt(plain: string, name: string): string {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plain text; throws when the value was not made with this key for this name. */
  decrypt(stored: string, name: string): string {
    if (!stored.startsWith(VERSION)) throw new Error('not an encrypted value');
    const raw = Buffer.from(stored.slice(VERSION.length), 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
