// The local bus's pattern matcher against EventBridge's semantics as moto implements them: each
// case must come out the same from both. The installed moto's TestEventPattern API is not
// implemented (its server answers nothing), so the cases go to the matcher moto routes its own
// bus events with (moto.events.models.EventPattern), in one python3 process. Skipped, loudly,
// without moto.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { INGEST_RULE_PATTERN, forwarderSource } from '../../functions/bus/patterns';
import { matchesPattern, type EventPattern } from '../../functions/local/event-pattern';
import { MOTO_REGION, motoAvailable } from '../moto/moto-server';

const available = motoAvailable();
if (!available) console.warn('SKIPPED test/local/event-pattern-moto.test.ts: moto is not installed');

const MOTO_MATCH = `
import json, sys
from moto.events.models import EventPattern
cases = json.load(sys.stdin)
print(json.dumps([EventPattern.load(json.dumps(p)).matches_event(e) for p, e in cases]))
`;

/** moto's verdict on each (pattern, event). */
function motoMatches(cases: [EventPattern, unknown][]): boolean[] {
  const result = spawnSync('python3', ['-c', MOTO_MATCH], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`moto's matcher failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as boolean[];
}

const event = (fields: Record<string, unknown>) => ({
  id: '1',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: MOTO_REGION,
  resources: [],
  version: '0',
  source: 'daemonloop.forwarder',
  'detail-type': 'NodeObserved',
  detail: {},
  ...fields,
});

const CASES: [string, EventPattern, Record<string, unknown>][] = [
  ['the ingest rule, a forwarder observation', INGEST_RULE_PATTERN, { source: forwarderSource('local'), 'detail-type': 'PodObserved' }],
  ['the ingest rule, another source', INGEST_RULE_PATTERN, { source: 'someone.else' }],
  ['an exact number', { detail: { n: [5] } }, { detail: { n: 5 } }],
  ['an exact number given as a string', { detail: { n: [5] } }, { detail: { n: '5' } }],
  ['an array field with one match', { detail: { tags: ['a'] } }, { detail: { tags: ['c', 'a'] } }],
  ['a prefix', { source: [{ prefix: 'daemonloop.' }] }, {}],
  ['a prefix that misses', { source: [{ prefix: 'loop.' }] }, {}],
  ['a suffix', { source: [{ suffix: '.forwarder' }] }, {}],
  ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'DAEMONLOOP.FORWARDER' }] }, {}],
  ['anything-but a list', { source: [{ 'anything-but': ['a', 'b'] }] }, {}],
  ['anything-but the value', { source: [{ 'anything-but': 'daemonloop.forwarder' }] }, {}],
  ['anything-but a prefix', { source: [{ 'anything-but': { prefix: 'daemonloop' } }] }, {}],
  ['exists', { detail: { n: [{ exists: true }] } }, { detail: { n: 1 } }],
  ['does not exist', { detail: { n: [{ exists: false }] } }, { detail: { n: 1 } }],
  ['a numeric range', { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } }, { detail: { n: 5 } }],
  ['outside a numeric range', { detail: { n: [{ numeric: ['>', 0, '<', 5] }] } }, { detail: { n: 5 } }],
  ['$or', { $or: [{ source: ['x'] }, { 'detail-type': ['NodeObserved'] }] }, {}],
  ['a case-insensitive prefix', { source: [{ prefix: { 'equals-ignore-case': 'DAEMONLOOP.' } }] }, {}],
  ['a case-insensitive prefix that misses', { source: [{ prefix: { 'equals-ignore-case': 'LOOP.' } }] }, {}],
  ['a case-insensitive suffix', { source: [{ suffix: { 'equals-ignore-case': '.FORWARDER' } }] }, {}],
  ['equals-ignore-case on a detail field', { detail: { s: [{ 'equals-ignore-case': 'hello' }] } }, { detail: { s: 'Hello' } }],
  ['anything-but a suffix', { source: [{ 'anything-but': { suffix: 'forwarder' } }] }, {}],
  ['anything-but a prefix, on a detail field', { detail: { s: [{ 'anything-but': { prefix: 'He' } }] } }, { detail: { s: 'Hello' } }],
  ['numeric equality', { detail: { n: [{ numeric: ['=', 5] }] } }, { detail: { n: 5 } }],
  ['an absent field that must not exist', { detail: { missing: [{ exists: false }] } }, { detail: { n: 1 } }],
  ['a prefix on a number', { detail: { n: [{ prefix: '5' }] } }, { detail: { n: 5 } }],
];

describe.skipIf(!available)('matchesPattern against moto’s EventBridge matcher', () => {
  it('agrees on every case', () => {
    const verdicts = motoMatches(CASES.map(([, pattern, fields]) => [pattern, event(fields)]));
    const ours = CASES.map(([name, pattern, fields]) => [name, matchesPattern(pattern, event(fields))]);
    expect(ours).toEqual(CASES.map(([name], i) => [name, verdicts[i]]));
    expect(verdicts).toContain(true); // both answers occur: the cases can fail
    expect(verdicts).toContain(false);
  });
});

describe('matchesPattern on what it cannot evaluate', () => {
  it('throws on an unknown operator or a malformed operand instead of answering false', () => {
    expect(() => matchesPattern({ source: [{ wildcard: 'daemon*' }] }, event({}))).toThrow(/unsupported operator "wildcard"/);
    expect(() => matchesPattern({ source: [{ prefix: { 'equals-ignore-cases': 'D' } }] }, event({}))).toThrow(/prefix wants a string/);
  });

  it('matches a case-insensitive prefix and suffix', () => {
    expect(matchesPattern({ source: [{ prefix: { 'equals-ignore-case': 'DAEMONLOOP.' } }] }, event({}))).toBe(true);
    expect(matchesPattern({ source: [{ suffix: { 'equals-ignore-case': '.FORWARDER' } }] }, event({}))).toBe(true);
    expect(matchesPattern({ source: [{ prefix: { 'equals-ignore-case': 'LOOP' } }] }, event({}))).toBe(false);
  });
});
