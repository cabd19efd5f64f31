// The real AWS topology, offline against moto_server: the forwarder's PutEvents land on an
// EventBridge bus whose rule (INGEST_RULE_PATTERN, the CDK rule's own constant) feeds an SQS
// queue; the exported Lambda handlers, wired by aws-deps from the environment, take it from there:
// ingest → DynamoDB log → SQS FIFO → reconcile → pods on the simulator → timer queue → FIFO.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { forwarderSource, INGEST_RULE_PATTERN } from '../../functions/bus/patterns';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { DynamoDbEventStore } from '../../functions/adapters/event-store/dynamodb';
import { DAEMONSET_API_VERSION } from '../../functions/adapters/kubernetes/custom-resource';
import { CLUSTER_QPS_ENV, RECONCILE_QUEUE_URL_ENV, TABLE_NAME_ENV, TIMER_QUEUE_URL_ENV } from '../../functions/config-names';
import { runForwarder, eventBridgeSink, type RunningForwarder } from '../../functions/forwarder';
import { awsDeps } from '../../functions/handlers/aws-deps';
import { handler as ingest } from '../../functions/handlers/ingest';
import { ingestBatch } from '../../functions/loop/ingest-batch';
import { handler as reconcile } from '../../functions/handlers/reconcile';
import { handler as timer } from '../../functions/handlers/timer';
import { systemClock } from '../../functions/clock';
import { localTelemetry } from '../../functions/observability';
import { DynamoDbClusterRegistry } from '../../functions/registry/cluster-registry';
import { main } from '../../functions/cli/main';
import { Simulator } from '../../functions/local/simulator/simulator';
import { recordingIo } from '../cli/fake-io';
import { MOTO_REGION, motoAvailable, motoCredentials, startMoto } from './moto-server';

const available = motoAvailable();
if (!available) console.warn('\n⚠ moto_server is not on PATH: the AWS topology tier (test/moto) is SKIPPED\n');

const TABLE = 'daemonloop-moto';
const BUS = 'daemonloop';
const CLUSTER = 'moto-cluster';
/** Reconcile reaches the cluster as this role (moto's STS answers AssumeRole with session tags). */
const CLUSTER_ROLE = `arn:aws:iam::123456789012:role/daemonloop-cluster/${CLUSTER}`;

describe.skipIf(!available)('the AWS topology against moto_server', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let sim: Simulator;
  let forwarder: RunningForwarder | undefined;
  let sqs: SQSClient;
  let dynamodb: DynamoDBClient;
  const urls = { tap: '', reconcile: '', timers: '' };
  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region: MOTO_REGION, credentials: motoCredentials };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
      [CLUSTER_QPS_ENV]: '50',
    });
    sqs = new SQSClient(config);
    dynamodb = new DynamoDBClient(config);
    const events = new EventBridgeClient(config);
    const secrets = new SecretsManagerClient(config);

    await createEventLogTable(dynamodb, TABLE);
    urls.tap = (await sqs.send(new CreateQueueCommand({ QueueName: 'ingest-tap' }))).QueueUrl!;
    urls.reconcile = (await sqs.send(new CreateQueueCommand({ QueueName: 'reconcile.fifo', Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
    urls.timers = (await sqs.send(new CreateQueueCommand({ QueueName: 'timers' }))).QueueUrl!;
    const tapArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: urls.tap, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await events.send(new CreateEventBusCommand({ Name: BUS }));
    await events.send(new PutRuleCommand({ Name: 'ingest', EventBusName: BUS, EventPattern: JSON.stringify(INGEST_RULE_PATTERN) }));
    await events.send(new PutTargetsCommand({ Rule: 'ingest', EventBusName: BUS, Targets: [{ Id: 'tap', Arn: tapArn }] }));
    Object.assign(process.env, { [TABLE_NAME_ENV]: TABLE, [RECONCILE_QUEUE_URL_ENV]: urls.reconcile, [TIMER_QUEUE_URL_ENV]: urls.timers });

    sim = new Simulator({ kubelet: { startDelayMs: 50, readyDelayMs: 50 } });
    await sim.start();
    sim.addNode('node-1');
    sim.addNode('node-2');
    const secretArn = (await secrets.send(new CreateSecretCommand({ Name: 'cluster-token', SecretString: JSON.stringify({ token: sim.token }) }))).ARN!;
    await new DynamoDbClusterRegistry(dynamodb, TABLE, systemClock).register({
      clusterId: CLUSTER,
      endpoint: sim.url,
      credentials: { kind: 'secret', secretArn, roleArn: CLUSTER_ROLE },
      labels: { env: 'test' },
      registeredAt: new Date().toISOString(),
    });
    const kubeconfigPath = `${process.env.TMPDIR ?? '/tmp'}/daemonloop-moto-${process.pid}.kubeconfig`;
    await sim.writeKubeconfig(kubeconfigPath);
    forwarder = await runForwarder({
      clusterId: CLUSTER,
      kubeconfigPath,
      eventBus: BUS,
      sink: eventBridgeSink({ eventBus: BUS, clock: systemClock, client: events }),
      telemetry: localTelemetry('silent'),
    });
  });

  afterAll(async () => {
    await forwarder?.stop();
    await sim?.close();
    await moto?.stop();
    process.env = saved;
  });

  async function receive(queueUrl: string, waitSeconds = 1): Promise<Message[]> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, AttributeNames: ['All'] }),
    );
    for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    return Messages;
  }
  const sqsEvent = (messages: Message[]): SQSEvent => ({
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: m.Attributes as never,
      messageAttributes: {},
      md5OfBody: m.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
      awsRegion: MOTO_REGION,
    })),
  });
  /** Drains the tap into the ingest handler and the FIFO queue into the reconcile handler until `done`. */
  async function pump(done: () => boolean, rounds = 100): Promise<{ ingested: number; groups: Set<string> }> {
    const groups = new Set<string>();
    let ingested = 0;
    for (let i = 0; i < rounds && !done(); i++) {
      const tapped = await receive(urls.tap, 0);
      if (tapped.length > 0) expect((await ingest(sqsEvent(tapped))).batchItemFailures).toEqual([]);
      ingested += tapped.length;
      const batch = await receive(urls.reconcile, 0);
      batch.forEach((m) => groups.add(m.Attributes!.MessageGroupId!));
      if (batch.length > 0) expect((await reconcile(sqsEvent(batch))).batchItemFailures).toEqual([]);
      const timers = await receive(urls.timers, 0);
      if (timers.length > 0) expect((await timer(sqsEvent(timers))).batchItemFailures).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { ingested, groups };
  }

  it('carries a DaemonSet from the cluster through bus, rule, queue, ingest, log, FIFO and reconcile to its pods', async () => {
    sim.createDaemonSet({
      apiVersion: DAEMONSET_API_VERSION,
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        minReadySeconds: 5,
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      },
    });
    const available = () => sim.daemonSet('kube-system', 'agent')?.status?.numberAvailable === 2;
    const { ingested, groups } = await pump(available);
    expect(
      sim
        .pods({ namespace: 'kube-system' })
        .map((p) => p.spec?.nodeName)
        .sort(),
    ).toEqual(['node-1', 'node-2']);
    expect(available()).toBe(true); // only after the minReadySeconds timer went through the delay queue
    expect(ingested).toBeGreaterThan(0);
    expect(groups).toEqual(new Set([`${CLUSTER}/daemonsets/kube-system/agent`]));
    const store = new DynamoDbEventStore(dynamodb, TABLE);
    const nodeEvents: string[] = [];
    for await (const commit of store.read(`${CLUSTER}/nodes`)) nodeEvents.push(...commit.events.map((e) => e.type));
    expect(nodeEvents.filter((t) => t === 'NodeObserved').length).toBeGreaterThanOrEqual(2);
    const decisions: string[] = [];
    for await (const commit of store.read(`${CLUSTER}/daemonsets/kube-system/agent`)) decisions.push(...commit.events.map((e) => e.type));
    expect(decisions).toEqual(
      expect.arrayContaining(['ReconcileDecided', 'PodCreateRequested', 'PodActionCompleted', 'StatusWritten', 'TimerScheduled', 'TimerFired']),
    );
  });

  it("rejects a forged DaemonSet put on the bus under another cluster's source, and appends nothing", async () => {
    const events = new EventBridgeClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: motoCredentials });
    const stream = `${CLUSTER}/daemonsets/kube-system/agent`;
    const ds = sim.daemonSet('kube-system', 'agent')!;
    const forged = {
      type: 'DaemonSetObserved',
      clusterId: CLUSTER,
      schemaVersion: 1,
      time: new Date().toISOString(),
      daemonSet: {
        ...ds,
        metadata: { ...ds.metadata, resourceVersion: '999999999999' },
        spec: {
          ...ds.spec,
          template: { ...ds.spec!.template, spec: { containers: [{ name: 'x', image: 'attacker/miner', securityContext: { privileged: true } }] } },
        },
      },
    };
    await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: BUS, Source: forwarderSource('other-cluster'), DetailType: 'DaemonSetObserved', Detail: JSON.stringify(forged) }],
      }),
    );
    const rejected = [];
    for (let i = 0; i < 20 && rejected.length === 0; i++) {
      for (const m of await receive(urls.tap, 1)) {
        // The ingest handler's per-event path (ingest-batch.ts) on the deployed dependencies, to see each event's outcome.
        const [outcome] = await ingestBatch([JSON.parse(m.Body!) as EventBridgeEvent<string, unknown>], awsDeps()); // the forwarder's own events are accepted
        if (!outcome!.accepted) rejected.push(outcome);
      }
    }
    expect(rejected).toEqual([expect.objectContaining({ accepted: false, reason: expect.stringContaining(`may not speak for cluster ${CLUSTER}`) })]);
    const images: string[] = [];
    for await (const commit of new DynamoDbEventStore(dynamodb, TABLE).read(stream)) {
      for (const e of commit.events) if (e.type === 'DaemonSetObserved') images.push(e.daemonSet.spec!.template.spec!.containers[0]!.image!);
    }
    expect(images).not.toContain('attacker/miner');
  });

  it('registers a cluster from the command line into the same table', async () => {
    const io = recordingIo();
    const role = 'arn:aws:iam::123456789012:role/daemonloop-cluster/eks-prod';
    expect(
      await main(
        [
          'clusters',
          'register',
          '--cluster-id',
          'eks-prod',
          '--role-arn',
          role,
          '--eks-cluster',
          'prod',
          '--region',
          'eu-west-1',
          '--label',
          'env=prod',
          '--label',
          'region=eu',
          '--table',
          TABLE,
        ],
        io,
      ),
    ).toBe(0);
    expect(await main(['clusters', 'label', 'eks-prod', 'tier=gold', 'region-', '--table', TABLE], io)).toBe(0);
    expect(io.stdout).toEqual(['cluster/eks-prod registered', 'cluster/eks-prod labeled']);
    expect(await new DynamoDbClusterRegistry(dynamodb, TABLE, systemClock).lookup('eks-prod')).toMatchObject({
      credentials: { kind: 'eks', clusterName: 'prod', region: 'eu-west-1', roleArn: role },
      labels: { env: 'prod', tier: 'gold' },
    });
  });

  it('refuses to register a bad cluster id from the command line, naming the rule', async () => {
    const io = recordingIo();
    expect(await main(['clusters', 'register', '--cluster-id', 'registry', '--role-arn', CLUSTER_ROLE, '--eks-cluster', 'x', '--table', TABLE], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/cluster id "registry" is reserved/);
    expect(await new DynamoDbClusterRegistry(dynamodb, TABLE, systemClock).lookup('registry')).toBeUndefined();
  });

  it('rejects, without writing, an event from a cluster that is not registered', async () => {
    const stranger: EventBridgeEvent<string, unknown> = {
      version: '0',
      id: 'x',
      'detail-type': 'NodeObserved',
      source: forwarderSource('stranger'),
      account: '1',
      time: new Date().toISOString(),
      region: MOTO_REGION,
      resources: [],
      detail: {
        type: 'NodeObserved',
        clusterId: 'stranger',
        schemaVersion: 1,
        time: new Date().toISOString(),
        node: { metadata: { name: 'n', uid: 'u', resourceVersion: '1' } },
      },
    };
    const body = JSON.stringify(stranger);
    expect((await ingest(sqsEvent([{ MessageId: 'm-1', ReceiptHandle: 'r', Body: body, Attributes: {}, MD5OfBody: '' }]))).batchItemFailures).toEqual([]); // rejected, not retried
    expect(await new DynamoDbEventStore(dynamodb, TABLE).latestCommit('stranger/nodes')).toBe(0);
  });
});
