/**
 * The audit service's signing keys (Ed25519, node:crypto). The private key lives outside
 * the database (a Secret, AUDIT_SIGNING_KEY): whoever can write PostgreSQL can recompute
 * an unkeyed hash chain, but cannot sign. Every signature names its key by an id derived
 * from the public key itself, so that a verifier given a set of public keys (the current
 * one and every earlier one) picks the right one without any other configuration.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** `ed25519:` and the first 16 hex digits of the SHA-256 of the public key (SPKI, DER). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A PKCS#8 PEM Ed25519 private key, as `openssl genpkey -algorithm ed25519` writes it. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`the audit signing key must be an Ed25519 key, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { id: keyIdOf(publicKey), privateKey, publicKey };
}

export function signText(key: SigningKey, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64');
}

/** Every PEM block of a text (several public keys may be concatenated in one file or variable). */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}

/** Public keys by key id: what verifies entries and checkpoints, current and earlier keys alike. */
export class PublicKeyRing {
  private readonly keys = new Map<string, KeyObject>();

  constructor(keys: KeyObject[] = []) {
    for (const k of keys) this.add(k);
  }

  /** From PEM text: public keys (SPKI) or private keys (their public half). */
  static fromPem(...texts: string[]): PublicKeyRing {
    const ring = new PublicKeyRing();
    for (const text of texts) for (const block of pemBlocks(text)) ring.add(createPublicKey(block));
    return ring;
  }

  add(key: KeyObject): string {
    if (key.asymmetricKeyType !== 'ed25519')
      throw new Error(`audit public keys are Ed25519 keys, not ${key.asymmetricKeyType}`);
    const id = keyIdOf(key);
    this.keys.set(id, key);
    return id;
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }

  get size(): number {
    return this.keys.size;
  }

  /** `undefined` when the signature holds; else why not. */
  check(keyId: string | null | undefined, text: string, signature: string | null | undefined): string | undefined {
    if (!signature || !keyId) return 'not signed';
    const key = this.keys.get(keyId);
    if (!key) return `signed with key ${keyId}, which is not among the public keys given`;
    let ok = false;
    try {
      ok = verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'));
    } catch {
      ok = false;
    }
    return ok ? undefined : `the signature does not verify with key ${keyId}`;
  }
}
