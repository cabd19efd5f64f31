// An EKS bearer token, as `aws eks get-token` makes it: a presigned STS GetCallerIdentity URL
// whose signature covers the `x-k8s-aws-id` header naming the cluster, base64url-encoded behind
// the `k8s-aws-v1.` prefix. The API server's authenticator replays it to STS to learn who we are.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

const TOKEN_PREFIX = 'k8s-aws-v1.';
const PRESIGN_SECONDS = 60; // EKS accepts a token for 15 minutes after it was signed

export async function eksToken(
  clusterName: string,
  region: string,
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>,
  now: Date,
): Promise<string> {
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Sha256 });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, 'x-k8s-aws-id': clusterName },
    },
    { expiresIn: PRESIGN_SECONDS, signingDate: now },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return TOKEN_PREFIX + Buffer.from(`https://${hostname}/?${query}`).toString('base64url');
}
