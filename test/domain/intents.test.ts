// Intents close when observed, and expire after upstream's ExpectationsTimeout.
import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { emptyControllerState } from '../../domain/cluster-state';
import { expireIntents, INTENT_TIMEOUT_MS, openIntents, settleIntents } from '../../domain/intents';
import { aPod, at } from '../log/fixtures';

const controller = () => {
  const c = emptyControllerState('ds-uid');
  c.creates.a = { decisionId: 'd@1', namespace: 'default', podName: 'a', nodeName: 'n1', hash: 'h', requestedAt: at(0).toISOString() };
  c.creates.b = { decisionId: 'd@1', namespace: 'default', podName: 'b', nodeName: 'n2', hash: 'h', requestedAt: at(0).toISOString() };
  c.deletes.old = { decisionId: 'd@1', namespace: 'default', podName: 'old', podUid: 'uid-old', requestedAt: at(0).toISOString() };
  return c;
};

describe('intents', () => {
  it('times out after five minutes, as upstream expectations do', () => {
    expect(INTENT_TIMEOUT_MS).toBe(300_000);
  });

  it('splits open intents from those the observations fulfil', () => {
    const old = aPod('old', '5');
    const open = openIntents(controller(), new Map<string, V1Pod>([['a', aPod('a', '3')]]), { 'uid-old': old }, at(10));
    expect(open.creates.map((c) => c.podName)).toEqual(['b']);
    expect(open.deletes.map((d) => d.podName)).toEqual(['old']);
    expect(open.settled).toEqual({ creates: ['a'], deletes: [] });
  });

  it('settles a delete once its pod is terminating or gone', () => {
    const terminating = aPod('old', '6', { deleting: at(5) });
    expect(openIntents(controller(), new Map(), { 'uid-old': terminating }, at(10)).settled.deletes).toEqual(['old']);
    expect(openIntents(controller(), new Map(), {}, at(10)).settled.deletes).toEqual(['old']);
  });

  it('drops expired intents from the view and, at a later event, from the state', () => {
    expect(openIntents(controller(), new Map(), { 'uid-old': aPod('old', '5') }, at(300)).creates).toEqual([]);
    const c = controller();
    expireIntents(c, at(299).toISOString());
    expect(Object.keys(c.creates)).toEqual(['a', 'b']);
    expireIntents(c, at(300).toISOString());
    expect([c.creates, c.deletes]).toEqual([{}, {}]);
  });

  it('closes the intents a decision reports settled', () => {
    const c = controller();
    settleIntents(c, { creates: ['a'], deletes: ['old'] });
    expect([Object.keys(c.creates), Object.keys(c.deletes)]).toEqual([['b'], []]);
  });
});
