// Logging and metrics, set up once per process. In Lambda: Powertools (structured JSON logs,
// CloudWatch EMF metrics flushed after each invocation). Locally: lines on stderr and counters
// in memory, so the CLI's stdout carries only results and tests can read the counters.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = 'daemonloop';
export const METRICS_NAMESPACE = 'daemonloop';

type Fields = Record<string, unknown>;

export interface Telemetry {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  count(metric: string, value?: number): void;
  /** A count with dimensions of its own (ClusterId, Code): summed per invocation, one EMF record per dimension set. */
  countFor(metric: string, dimensions: Record<string, string>, value?: number): void;
  /** A duration per cluster (the SLI: observation-to-decision lag), for p50/p99 by ClusterId. */
  timing(metric: string, ms: number, clusterId: string): void;
  /** End of an invocation: Powertools writes the stored metrics as one EMF record. */
  flush(): void;
}

export function powertoolsTelemetry(): Telemetry {
  const logger = new Logger({ serviceName: SERVICE_NAME });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  const dimensioned = new Map<string, { metric: string; dimensions: Record<string, string>; value: number }>();
  return {
    debug: (message, fields = {}) => logger.debug(message, fields),
    info: (message, fields = {}) => logger.info(message, fields),
    warn: (message, fields = {}) => logger.warn(message, fields),
    error: (message, fields = {}) => logger.error(message, fields),
    count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
    countFor: (metric, dimensions, value = 1) => {
      const key = dimensionedKey(metric, dimensions);
      const entry = dimensioned.get(key) ?? dimensioned.set(key, { metric, dimensions, value: 0 }).get(key)!;
      entry.value += value;
    },
    timing: (metric, ms, clusterId) => {
      const single = metrics.singleMetric(); // its own EMF record, so ClusterId does not dimension the counts
      single.addDimension('ClusterId', clusterId);
      single.addMetric(metric, MetricUnit.Milliseconds, ms);
      metrics.addMetric(metric, MetricUnit.Milliseconds, ms); // and across clusters, for the alarm (alarms cannot SEARCH)
    },
    flush: () => {
      for (const { metric, dimensions, value } of dimensioned.values()) {
        const single = metrics.singleMetric(); // its own EMF record: these dimensions stay off the plain counts
        single.addDimensions(dimensions);
        single.addMetric(metric, MetricUnit.Count, value);
      }
      dimensioned.clear();
      metrics.publishStoredMetrics();
    },
  };
}

/** `Metric{Code=5xx,ClusterId=a}`, dimensions sorted: one key per dimension set. */
const dimensionedKey = (metric: string, dimensions: Record<string, string>): string =>
  `${metric}{${Object.entries(dimensions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}}`;

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LocalLogLevel = (typeof LEVELS)[number];

export interface LocalTelemetry extends Telemetry {
  /** `<metric>` → total; a dimensioned count also under `<metric>{<name>=<value>,…}`. */
  readonly counts: Map<string, number>;
  /** `<metric>/<cluster id>` → every value, in order. */
  readonly timings: Map<string, number[]>;
}

export function localTelemetry(level: LocalLogLevel = 'warn', write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): LocalTelemetry {
  const counts = new Map<string, number>();
  const timings = new Map<string, number[]>();
  const at = (name: (typeof LEVELS)[number]) => (message: string, fields?: Fields) => {
    if (LEVELS.indexOf(name) >= LEVELS.indexOf(level)) write(`${name.toUpperCase()} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return {
    counts,
    timings,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    count: (metric, value = 1) => counts.set(metric, (counts.get(metric) ?? 0) + value),
    countFor: (metric, dimensions, value = 1) => {
      counts.set(metric, (counts.get(metric) ?? 0) + value);
      const key = dimensionedKey(metric, dimensions);
      counts.set(key, (counts.get(key) ?? 0) + value);
    },
    timing: (metric, ms, clusterId) =>
      void (timings.get(`${metric}/${clusterId}`) ?? timings.set(`${metric}/${clusterId}`, []).get(`${metric}/${clusterId}`)!).push(ms),
    flush: () => undefined,
  };
}
