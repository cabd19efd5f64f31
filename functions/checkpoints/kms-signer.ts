// The Signer on AWS KMS: an asymmetric ECC_NIST_P256 key whose private half never leaves KMS. Only
// the checkpoint function's role may kms:Sign with it; verifying needs only its public key
// (`publicKeyPem`, or `aws kms get-public-key`), no AWS access at all.
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { SIGNING_ALGORITHM, type Signer } from './signer';

export class KmsSigner implements Signer {
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    // RAW: KMS hashes the message (≤ 4 KB, which a checkpoint's signed statement always is).
    const { Signature } = await this.client.send(
      new SignCommand({ KeyId: this.keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: SIGNING_ALGORITHM }),
    );
    if (!Signature) throw new Error(`KMS returned no signature for key ${this.keyId}`);
    return Signature;
  }
}

/** The key's public half as PEM (SPKI), what `daemonloop log verify --public-key` reads. */
export async function kmsPublicKeyPem(client: KMSClient, keyId: string): Promise<string> {
  const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
  const base64 = Buffer.from(PublicKey).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PUBLIC KEY-----\n${base64.trimEnd()}\n-----END PUBLIC KEY-----\n`;
}
