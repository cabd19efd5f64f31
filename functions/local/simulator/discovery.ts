// Discovery documents (/version, /api, /api/v1, /apis, /apis/<group>[/<version>]): what kubectl
// reads to map `get nodes,pods` and `get dlds` to resources.
import { apiVersionOf, RESOURCES, VERBS, type ResourceType } from './resources';
import { groupVersionPath } from './routes';

const resourceList = (groupVersion: string, resources: ResourceType[]) => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources: resources.flatMap((r) => [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    },
    ...(r.hasStatus ? [{ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ]),
});

const groups = () => {
  const names = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  return names.map((name) => {
    const versions = [...new Set(RESOURCES.filter((r) => r.group === name).map((r) => r.version))].map((version) => ({
      groupVersion: `${name}/${version}`,
      version,
    }));
    return { name, versions, preferredVersion: versions[0] };
  });
};

/** The discovery document served at `pathname`, or undefined when it is not a discovery path. */
export function discoveryDocument(pathname: string): object | undefined {
  const path = pathname.replace(/\/+$/, '');
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0-daemonloop-simulator', platform: 'linux/amd64' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups() };
  const group = groups().find((g) => path === `/apis/${g.name}`);
  if (group) return { kind: 'APIGroup', apiVersion: 'v1', ...group };
  const served = RESOURCES.filter((r) => groupVersionPath(r) === path);
  if (served.length > 0) return resourceList(apiVersionOf(served[0]!), served);
  return undefined;
}
