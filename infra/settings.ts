// The stack's parameters, read from CDK context (`npx cdk deploy -c reconcileConcurrency=20`).
// A bad value fails the synth by name instead of reaching CloudFormation.
import type { Node } from 'constructs';
import { clusterIdProblem } from '../domain/cluster-id';
import { EVENT_LOG_TABLE_NAME } from '../functions/adapters/event-store/keys';

export interface LoopSettings {
  busName: string;
  tableName: string;
  ingestConcurrency: number; // concurrent ingest batches (the queue's event source maximum concurrency, 2–1000)
  ingestBatchSize: number; // forwarded events per ingest invocation: one commit per stream per batch
  reconcileConcurrency: number; // the FIFO event source's maximum concurrency (2–1000)
  reconcileBatchSize: number; // reconcile messages per invocation (a FIFO source takes ≤ 10); each may take ~55 s worst case, so keep 1
  clusterQps: number; // requests per second toward each cluster API
  clusterBurst: number;
  snapshotEvery: number; // commits between snapshots of a DaemonSet stream
  /** One access role each (constructs/cluster-access.ts): `-c clusters=prod-eu=Prod_EU,on-prem-1` (id, or id=EKS cluster name). */
  clusters: { clusterId: string; eksCluster?: string }[];
}

/** Each loop function's memory (MB): the stack configures them, the local runtime's AWS meter bills by them. */
export const FUNCTION_MEMORY_MB = { ingest: 1024, reconcile: 1024, timer: 256 } as const;

export const DEFAULT_SETTINGS: LoopSettings = {
  busName: 'daemonloop',
  tableName: EVENT_LOG_TABLE_NAME,
  ingestConcurrency: 10,
  ingestBatchSize: 500,
  reconcileConcurrency: 10,
  reconcileBatchSize: 1, // a batch runs its reconciles one by one: more than one could outlast the 90 s timeout
  clusterQps: 20, // kube-controller-manager's --kube-api-qps and --kube-api-burst defaults
  clusterBurst: 30,
  snapshotEvery: 100,
  clusters: [],
};

const INTEGER_RANGES: Record<Exclude<keyof LoopSettings, 'busName' | 'tableName' | 'clusters'>, [number, number]> = {
  ingestConcurrency: [2, 1000],
  ingestBatchSize: [1, 10_000],
  reconcileConcurrency: [2, 1000],
  reconcileBatchSize: [1, 10],
  clusterQps: [1, 10_000],
  clusterBurst: [1, 10_000],
  snapshotEvery: [1, 1_000_000],
};

const NAME = /^[A-Za-z0-9._-]{3,64}$/; // valid as both an event bus name and a DynamoDB table name

export function readSettings(node: Node): LoopSettings {
  return settingsFrom((key) => node.tryGetContext(key), 'context');
}

/** Typed settings (a DaemonloopControlPlane's props) over the defaults, held to the same rules as context. */
export function checkSettings(settings: Partial<LoopSettings> = {}): LoopSettings {
  return settingsFrom((key) => settings[key], 'settings');
}

function settingsFrom(get: (key: keyof LoopSettings) => unknown, where: string): LoopSettings {
  const settings = { ...DEFAULT_SETTINGS };
  for (const key of ['busName', 'tableName'] as const) {
    const value: unknown = get(key) ?? settings[key];
    if (typeof value !== 'string' || !NAME.test(value)) {
      throw new Error(`${where} ${key}: want 3–64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(value)}`);
    }
    settings[key] = value;
  }
  for (const [key, [min, max]] of Object.entries(INTEGER_RANGES) as [keyof typeof INTEGER_RANGES, [number, number]][]) {
    const raw: unknown = get(key) ?? settings[key];
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw; // `-c key=20` arrives as a string
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${where} ${key}: want an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    settings[key] = value;
  }
  settings.clusters = readClusters(get('clusters'), where);
  return settings;
}

/** CloudFormation's stack-name rule; `-c stackName=…` or DAEMONLOOP_STACK_NAME, default Daemonloop. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
export const DEFAULT_STACK_NAME = 'Daemonloop';

export function readStackName(node: Node, env: NodeJS.ProcessEnv = process.env): string {
  const value: unknown = node.tryGetContext('stackName') ?? env.DAEMONLOOP_STACK_NAME ?? DEFAULT_STACK_NAME;
  if (typeof value !== 'string' || !STACK_NAME.test(value)) {
    throw new Error(`context stackName (or DAEMONLOOP_STACK_NAME): want a letter, then up to 127 of A-Z a-z 0-9 -, got ${JSON.stringify(value)}`);
  }
  return value;
}

function readClusters(raw: unknown, where: string): LoopSettings['clusters'] {
  if (raw === undefined || raw === '') return [];
  const entries = Array.isArray(raw)
    ? raw.map((c: Partial<LoopSettings['clusters'][number]>) => ({ clusterId: String(c?.clusterId ?? ''), eksCluster: c?.eksCluster }))
    : typeof raw === 'string'
      ? raw.split(',').map((entry) => {
          const [clusterId = '', eksCluster] = entry.trim().split('=');
          return { clusterId, eksCluster };
        })
      : undefined;
  if (!entries) throw new Error(`${where} clusters: want "id[=eks-name],…", got ${JSON.stringify(raw)}`);
  const seen = new Set<string>();
  return entries.map(({ clusterId, eksCluster }) => {
    const problem = clusterIdProblem(clusterId) ?? (seen.has(clusterId) ? `cluster id ${JSON.stringify(clusterId)} is listed twice` : undefined);
    if (problem) throw new Error(`${where} clusters: ${problem}`);
    seen.add(clusterId);
    return { clusterId, ...(eksCluster ? { eksCluster } : {}) };
  });
}
