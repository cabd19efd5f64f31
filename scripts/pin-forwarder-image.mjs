// Pins the forwarder image in the kustomize settings by digest, after it was built and pushed:
//   node scripts/pin-forwarder-image.mjs REPOSITORY@sha256:DIGEST [KUSTOMIZATION]
// (`docker inspect --format '{{index .RepoDigests 0}}' REPOSITORY:TAG` prints that reference).
// Rewrites the `daemonloop-forwarder` entry of `images:` in infra/kustomize/settings/kustomization.yaml
// (or KUSTOMIZATION), keeping its comments: every overlay then deploys exactly that image.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const [reference, file = 'infra/kustomize/settings/kustomization.yaml'] = process.argv.slice(2);
const match = /^([a-z0-9][a-z0-9._\-/:]*[a-z0-9])@(sha256:[0-9a-f]{64})$/.exec(reference ?? '');
if (!match) {
  console.error(`pin-forwarder-image: expected REPOSITORY@sha256:<64 hex digits>, got ${JSON.stringify(reference ?? '')}`);
  process.exit(2);
}
const [, repository, digest] = match;
const doc = parseDocument(readFileSync(file, 'utf8'));
const images = doc.get('images');
const entry = images?.items?.find((item) => item.get('name') === 'daemonloop-forwarder');
if (!entry) {
  console.error(`pin-forwarder-image: ${file} has no images entry named daemonloop-forwarder`);
  process.exit(1);
}
entry.set('newName', repository);
entry.set('digest', digest);
writeFileSync(file, doc.toString());
console.log(`pinned daemonloop-forwarder to ${repository}@${digest} in ${file}`);
