// The OpenAPI v3 documents kubectl reads before `apply` (/openapi/v3 and one per group version):
// our DaemonSet's schema from infra/manifests/crd.yaml and its endpoints, which accept
// fieldValidation, so kubectl validates on the server instead of asking for --validate=false.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../cli/package-root';
import { DAEMONSET_API_VERSION, DAEMONSET_GROUP, DAEMONSET_KIND, DAEMONSET_PLURAL, DAEMONSET_VERSION } from '../../adapters/kubernetes/custom-resource';

const GROUP_VERSION_PATH = `apis/${DAEMONSET_API_VERSION}`;
const SCHEMA_NAME = `${DAEMONSET_GROUP.split('.').reverse().join('.')}.${DAEMONSET_VERSION}.${DAEMONSET_KIND}`;
const gvk = { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, kind: DAEMONSET_KIND };

let cached: object | undefined;

function groupVersionDocument(): object {
  if (cached) return cached;
  const crd = parse(readFileSync(join(packageRoot(), 'infra', 'manifests', 'crd.yaml'), 'utf8'));
  const schema = crd.spec.versions.find((v: { name: string }) => v.name === DAEMONSET_VERSION).schema.openAPIV3Schema;
  const ref = { $ref: `#/components/schemas/${SCHEMA_NAME}` };
  const body = { required: true, content: { 'application/json': { schema: ref } } };
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
  const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  const writeParameters = [query('dryRun'), query('fieldManager'), query('fieldValidation')];
  const operation = (action: string, extra: object = {}) => ({
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    responses: ok,
    ...extra,
  });
  const collection = `/${GROUP_VERSION_PATH}/namespaces/{namespace}/${DAEMONSET_PLURAL}`;
  cached = {
    openapi: '3.0.0',
    info: { title: 'daemonloop simulator', version: DAEMONSET_VERSION },
    paths: {
      [collection]: { get: operation('list'), post: operation('post', { parameters: writeParameters, requestBody: body }) },
      [`${collection}/{name}`]: {
        get: operation('get'),
        put: operation('put', { parameters: writeParameters, requestBody: body }),
        patch: operation('patch', { parameters: writeParameters, requestBody: body }),
        delete: operation('delete'),
      },
    },
    components: { schemas: { [SCHEMA_NAME]: { ...schema, 'x-kubernetes-group-version-kind': [gvk] } } },
  };
  return cached;
}

/** The OpenAPI v3 document at `pathname`, or undefined. */
export function openApiDocument(pathname: string): object | undefined {
  if (pathname === '/openapi/v3')
    return { paths: { [GROUP_VERSION_PATH]: { serverRelativeURL: `/openapi/v3/${GROUP_VERSION_PATH}?hash=${DAEMONSET_VERSION}` } } };
  if (pathname === `/openapi/v3/${GROUP_VERSION_PATH}`) return groupVersionDocument();
  return undefined;
}
