// The local bus routes with the CDK rule's own pattern, so the matcher must agree with EventBridge.
import { describe, expect, it } from 'vitest';
import { INGEST_RULE_PATTERN, forwarderSource } from '../../functions/bus/patterns';
import { matchesPattern } from '../../functions/local/event-pattern';

const event = (fields: Record<string, unknown>) => ({ version: '0', source: 'x', 'detail-type': 'y', detail: {}, ...fields });

describe('matchesPattern', () => {
  it('routes every forwarder observation type and nothing else through the ingest rule', () => {
    expect(matchesPattern(INGEST_RULE_PATTERN, event({ source: forwarderSource('c1'), 'detail-type': 'NodeObserved' }))).toBe(true);
    expect(matchesPattern(INGEST_RULE_PATTERN, event({ source: forwarderSource('c1'), 'detail-type': 'RelistCompleted' }))).toBe(true);
    expect(matchesPattern(INGEST_RULE_PATTERN, event({ source: forwarderSource('c1'), 'detail-type': 'ReconcileDecided' }))).toBe(false);
    expect(matchesPattern(INGEST_RULE_PATTERN, event({ source: 'someone.else', 'detail-type': 'NodeObserved' }))).toBe(false);
    expect(matchesPattern(INGEST_RULE_PATTERN, event({ source: 'daemonloop.forwarder', 'detail-type': 'NodeObserved' }))).toBe(false);
  });

  it('matches exact values of every JSON scalar type, and an array field when any element matches', () => {
    const pattern = { detail: { n: [5], b: [true], z: [null], tags: ['a'] } };
    expect(matchesPattern(pattern, event({ detail: { n: 5, b: true, z: null, tags: ['c', 'a'] } }))).toBe(true);
    expect(matchesPattern(pattern, event({ detail: { n: '5', b: true, z: null, tags: ['a'] } }))).toBe(false);
    expect(matchesPattern(pattern, event({ detail: { n: 5, b: true, z: null, tags: ['c'] } }))).toBe(false);
  });

  it('matches prefix, suffix and equals-ignore-case on strings only', () => {
    expect(matchesPattern({ source: [{ prefix: 'daemonloop.' }] }, event({ source: 'daemonloop.forwarder' }))).toBe(true);
    expect(matchesPattern({ source: [{ prefix: 'daemonloop.' }] }, event({ source: 'other.daemonloop.' }))).toBe(false);
    expect(matchesPattern({ source: [{ suffix: '.forwarder' }] }, event({ source: 'daemonloop.forwarder' }))).toBe(true);
    expect(matchesPattern({ source: [{ 'equals-ignore-case': 'DAEMONLOOP' }] }, event({ source: 'daemonloop' }))).toBe(true);
    expect(matchesPattern({ detail: { n: [{ prefix: '1' }] } }, event({ detail: { n: 12 } }))).toBe(false);
  });

  it('matches anything-but a value, a list or a prefix, and never a missing field', () => {
    const notNodes = { 'detail-type': [{ 'anything-but': ['NodeObserved', 'NodeDeleted'] }] };
    expect(matchesPattern(notNodes, event({ 'detail-type': 'PodObserved' }))).toBe(true);
    expect(matchesPattern(notNodes, event({ 'detail-type': 'NodeDeleted' }))).toBe(false);
    expect(matchesPattern({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, event({ source: 'aws.ec2' }))).toBe(false);
    expect(matchesPattern({ source: [{ 'anything-but': 'x' }] }, event({ source: 'y' }))).toBe(true);
    expect(matchesPattern({ detail: { gone: [{ 'anything-but': 'x' }] } }, event({ detail: {} }))).toBe(false);
  });

  it('matches exists true only for a present field and exists false only for an absent one', () => {
    expect(matchesPattern({ detail: { uid: [{ exists: true }] } }, event({ detail: { uid: 'u' } }))).toBe(true);
    expect(matchesPattern({ detail: { uid: [{ exists: true }] } }, event({ detail: {} }))).toBe(false);
    expect(matchesPattern({ detail: { uid: [{ exists: false }] } }, event({ detail: {} }))).toBe(true);
    expect(matchesPattern({ detail: { uid: [{ exists: false }] } }, event({ detail: { uid: 'u' } }))).toBe(false);
  });

  it('matches numeric ranges with every bound holding, at least and at most included', () => {
    const atLeastOne = { detail: { parts: [{ numeric: ['>=', 1] }] } };
    expect(matchesPattern(atLeastOne, event({ detail: { parts: 1 } }))).toBe(true);
    expect(matchesPattern(atLeastOne, event({ detail: { parts: 0 } }))).toBe(false);
    expect(matchesPattern(atLeastOne, event({ detail: { parts: '3' } }))).toBe(false);
    const range = { detail: { parts: [{ numeric: ['>', 0, '<=', 5] }] } };
    expect([0, 1, 5, 6].map((parts) => matchesPattern(range, event({ detail: { parts } })))).toEqual([false, true, true, false]);
  });

  it('requires nested objects to match field by field, and $or to match one alternative', () => {
    const pattern = { detail: { node: { metadata: { name: [{ prefix: 'n' }] } } } };
    expect(matchesPattern(pattern, event({ detail: { node: { metadata: { name: 'n1' } } } }))).toBe(true);
    expect(matchesPattern(pattern, event({ detail: { node: 'n1' } }))).toBe(false);
    const either = { $or: [{ source: ['a'] }, { 'detail-type': ['b'] }] };
    expect(matchesPattern(either, event({ source: 'a' }))).toBe(true);
    expect(matchesPattern(either, event({ 'detail-type': 'b' }))).toBe(true);
    expect(matchesPattern(either, event({}))).toBe(false);
  });

  it('refuses an operator it cannot evaluate instead of guessing', () => {
    expect(() => matchesPattern({ source: [{ wildcard: 'a*' }] }, event({ source: 'ab' }))).toThrow(/unsupported operator "wildcard"/);
  });
});
