// The scale proof: a rollout of a large DaemonSet end to end on the local runtime (virtual clock,
// real handlers, dynalite, the simulator over HTTP), with the AWS bill of the control loop counted
// from the operations it issued (functions/local/aws-meter.ts) at the list prices of
// domain/aws-prices.ts. The seeds' DaemonSet (minReadySeconds 30, a 30 s grace period; pods start
// 5 s after binding) rolled out whole at maxUnavailable 10 % of the nodes (500 of 5,000: what a
// 5,000-node cluster runs; at the seeds' maxUnavailable 1 a rollout is 5,000 waves of 65 s, 90 hours).
//   rollout.<n>.duration_ratio_to_minimum   virtual duration over ceil(n / maxUnavailable) × (grace + start + minReady)
//   rollout.<n>.aws_usd                     EventBridge + Lambda + DynamoDB + SQS for the rollout
//   rollout.<n>.dynamodb_wcu_per_replaced_pod  every write unit of the rollout over the pods replaced
// Sizes: `npm run bench -- rollout5000 --nodes=1000 --max-unavailable=1` (defaults 5,000 and a
// tenth of the nodes); `--waves=20` samples the first 20 waves instead of the whole rollout (the
// seeds' maxUnavailable 1 at 5,000 nodes), and the per-pod figures are over the pods those waves replaced.
import { AwsMeter, awsBill, WRITE_KINDS } from '../functions/local/aws-meter';
import { rollout } from './e2e-rollout';
import type { BenchSuite } from './emit';

const flag = (name: string, fallback: number): number => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: want a positive integer, got ${raw}`);
  return value;
};

const MIN_READY_SECONDS = 30; // the seeds' fluentd example
const POD_START_MS = 5_000;

const suite: BenchSuite = {
  name: 'rollout5000',
  async run(emit) {
    const nodes = flag('nodes', 5_000);
    const budget = flag('max-unavailable', Math.max(1, Math.floor(nodes / 10)));
    const waves = process.argv.some((a) => a.startsWith('--waves=')) ? flag('waves', 1) : undefined;
    const meter = new AwsMeter();
    const figures = await rollout({ nodes, budget, minReadySeconds: MIN_READY_SECONDS, podStartMs: POD_START_MS, meter, ...(waves ? { waves } : {}) });
    const counts = meter.counts;
    const bill = awsBill(counts);
    const m = `rollout.${nodes}`;
    const pods = figures.replacedPods;
    emit(`${m}.replaced_pods`, pods, 'count');
    emit(`${m}.duration_s`, figures.virtualMs / 1000, 's');
    emit(`${m}.minimum_s`, figures.minimumMs / 1000, 's');
    emit(`${m}.duration_ratio_to_minimum`, figures.virtualMs / figures.minimumMs, 'ratio');
    emit(`${m}.wall_s`, figures.wallMs / 1000, 's');
    emit(`${m}.api_calls_per_replaced_pod`, figures.apiCalls / pods, 'calls');
    emit(`${m}.aws_usd`, bill.usd, 'usd');
    if (pods < nodes) emit(`${m}.aws_usd.extrapolated_to_all_nodes`, (bill.usd / pods) * nodes, 'usd');
    for (const [part, usd] of Object.entries(bill.breakdown)) emit(`${m}.aws_usd.${part}`, usd, 'usd');
    emit(`${m}.dynamodb_wcu_per_replaced_pod`, bill.writeUnits / pods, 'wcu');
    for (const kind of WRITE_KINDS) emit(`${m}.dynamodb_wcu.${kind}`, counts.dynamoDb.writeUnits[kind], 'wcu');
    emit(`${m}.dynamodb_failed_conditional_writes`, counts.dynamoDb.failedConditionalWrites, 'count');
    for (const [kind, n] of Object.entries(counts.dynamoDb.failedByKind)) emit(`${m}.dynamodb_failed_conditional_writes.${kind}`, n, 'count');
    emit(`${m}.dynamodb_requests`, counts.dynamoDb.requests, 'count');
    emit(`${m}.dynamodb_rcu`, counts.dynamoDb.readUnits, 'rcu');
    emit(`${m}.eventbridge_events`, counts.eventBridgeEvents, 'count');
    emit(`${m}.sqs_requests.fifo`, counts.sqs.fifo, 'count');
    emit(`${m}.sqs_requests.standard`, counts.sqs.standard, 'count');
    for (const [fn, { invocations, ms }] of Object.entries(counts.lambda)) {
      emit(`${m}.lambda.${fn}.invocations`, invocations, 'count');
      emit(`${m}.lambda.${fn}.ms`, ms, 'ms');
    }
    emit(`${m}.lambda_gb_s`, bill.gbSeconds, 'GB-s');
  },
};
export default suite;
