// The boundary check: bad input is rejected with the field path named; good input comes back projected.
import { describe, expect, it } from 'vitest';
import { type InvalidEventError, isInvalidEventError, MAX_EVENT_BYTES, parseLogEvent, parseObservation } from '../../domain/event-schema';
import { EVENT_SCHEMA_VERSION, type LogEvent } from '../../domain/events';

const base = { clusterId: 'c1', schemaVersion: EVENT_SCHEMA_VERSION, time: '2026-01-01T00:00:00Z' };
const nodeObserved = (node: unknown) => ({ ...base, type: 'NodeObserved', node });

function rejection(input: unknown, parse: (i: unknown) => unknown = parseObservation): string {
  try {
    parse(input);
  } catch (e) {
    expect(isInvalidEventError(e)).toBe(true);
    return (e as InvalidEventError).message;
  }
  throw new Error('expected a rejection');
}

describe('parseObservation', () => {
  it('names the missing field', () => {
    expect(rejection(nodeObserved({ metadata: { uid: 'u', resourceVersion: '1' } }))).toBe('node.metadata.name: Required');
  });

  it('names a wrong type and an unknown event type', () => {
    expect(rejection(nodeObserved({ metadata: { name: 7, uid: 'u', resourceVersion: '1' } }))).toMatch(/^node\.metadata\.name: /);
    expect(rejection({ ...base, type: 'NodeExploded' })).toMatch(/^type: /);
  });

  it('rejects a resourceVersion that is not a canonical positive integer', () => {
    expect(rejection(nodeObserved({ metadata: { name: 'n', uid: 'u', resourceVersion: '007' } }))).toMatch(/^node\.metadata\.resourceVersion: /);
  });

  it('rejects an event over the size cap before looking inside it', () => {
    const big = nodeObserved({ metadata: { name: 'n', uid: 'u', resourceVersion: '1', labels: { x: 'y'.repeat(MAX_EVENT_BYTES) } } });
    expect(rejection(big)).toMatch(/over the 262144-byte limit/);
  });

  it('rejects a schemaVersion newer than this build', () => {
    expect(rejection({ ...nodeObserved({ metadata: { name: 'n', uid: 'u', resourceVersion: '1' } }), schemaVersion: 99 })).toMatch(/^schemaVersion: /);
  });

  it('projects a whole object and turns wire timestamps into Dates', () => {
    const parsed = parseObservation({
      ...base,
      type: 'PodObserved',
      pod: {
        metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '5', creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{}] },
        spec: { containers: [{ name: 'c' }], nodeName: 'n1' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }] },
      },
    });
    expect(parsed).toEqual({
      ...base,
      type: 'PodObserved',
      pod: {
        metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '5', creationTimestamp: new Date('2026-01-01T00:00:00Z') },
        spec: { containers: [], nodeName: 'n1' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:00:05Z') }] },
      },
    });
  });

  it('refuses decisions: only observations come from a forwarder', () => {
    expect(rejection({ ...base, type: 'TimerFired', dueAt: '2026-01-01T00:00:00Z' })).toMatch(/^type: /);
  });
});

describe('parseLogEvent', () => {
  it('reads back a 5,000-node decision whose waits exceed the observation size cap', () => {
    const waits = Array.from({ length: 5000 }, (_, i) => ({ nodeName: `node-${i}`, reason: 'budget exhausted: maxUnavailable 500, 500 in use' }));
    const decided = {
      ...base,
      type: 'ReconcileDecided',
      decisionId: 'c1/daemonsets/default/agent@2',
      daemonSetUid: 'ds-uid',
      inputs: { streams: {} },
      creates: 0,
      deletes: 0,
      status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
      waits,
      failedPodBackoff: {},
      currentHash: 'h',
    };
    expect(JSON.stringify(decided).length).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(parseLogEvent(decided)).toMatchObject({ type: 'ReconcileDecided', waits });
  });

  it('reads back every decision it wrote, Dates included', () => {
    const decided: LogEvent = {
      ...base,
      type: 'ReconcileDecided',
      decisionId: 'c1/daemonsets/ns/ds@3',
      daemonSetUid: 'u',
      inputs: { streams: { 'c1/nodes': 4 } },
      creates: 1,
      deletes: 0,
      status: { currentNumberScheduled: 0, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 0 },
      waits: [],
      failedPodBackoff: { n1: { delaySeconds: 2, since: new Date('2026-01-01T00:00:00Z') } },
      currentHash: 'h',
    };
    expect(parseLogEvent(JSON.parse(JSON.stringify(decided)))).toEqual(decided);
  });

  it('names the field of a bad decision', () => {
    expect(rejection({ ...base, type: 'PodCreateRequested', decisionId: 'd', namespace: 'ns', nodeName: 'n', hash: 'h' }, parseLogEvent)).toBe(
      'podName: Required',
    );
  });
});
