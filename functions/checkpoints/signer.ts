// The Signer port: what signs a checkpoint. AWS KMS in the stack (kms-signer.ts), a key file in
// the local runtime (below). Both are ECDSA P-256 over SHA-256 with DER signatures, so one
// verifier and one public key format (PEM, SPKI) serve both.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const SIGNING_ALGORITHM = 'ECDSA_SHA_256'; // KMS's name; ECC_NIST_P256 keys

export interface Signer {
  /** Names the key in each checkpoint, so a reader knows which public key to verify with. */
  readonly keyId: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** True when `signature` is `message` signed by the private half of `publicKeyPem`. */
export function verifySignature(publicKeyPem: string, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', message, createPublicKey(publicKeyPem), signature);
  } catch {
    return false; // a malformed signature is a signature that does not verify
  }
}

/** A P-256 key in a PEM file (mode 0600), created on first use with its public half beside it. */
export class LocalKeySigner implements Signer {
  private constructor(
    readonly keyId: string,
    private readonly privateKeyPem: string,
  ) {}

  static async open(privateKeyFile: string, publicKeyFile: string): Promise<LocalKeySigner> {
    if (!existsSync(privateKeyFile)) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await mkdir(dirname(privateKeyFile), { recursive: true });
      await writeFile(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      await writeFile(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    }
    return new LocalKeySigner(`file:${privateKeyFile}`, await readFile(privateKeyFile, 'utf8'));
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    return sign('sha256', message, createPrivateKey(this.privateKeyPem));
  }
}
