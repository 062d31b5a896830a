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
/** Random IVs drawn at once: one call to the random source per 4,096 values instead of one each. */
const IVS_PER_DRAW = 4096;

export class StoreCipher {
  private readonly key: Buffer;
  private ivs = Buffer.alloc(0);
  private nextIv = 0;

  /** `secret`: A2UI_STORE_KEY, at least 32 characters (checked by the config). */
  constructor(secret: string) {
    // scrypt: a passphrase-like secret still yields a key that is costly to guess from a stolen dump.
    this.key = crypto.scryptSync(secret, 'a2ui-orchestrator store v1', 32);
  }

  encrypt(plain: string, name: string): string {
    const iv = this.randomIv();
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** A fresh random IV (each value of the pool is used once: random IVs, drawn in bulk). */
  private randomIv(): Buffer {
    if (this.nextIv + IV_BYTES > this.ivs.length) {
      this.ivs = crypto.randomBytes(IV_BYTES * IVS_PER_DRAW);
      this.nextIv = 0;
    }
    const iv = this.ivs.subarray(this.nextIv, this.nextIv + IV_BYTES);
    this.nextIv += IV_BYTES;
    return iv;
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
