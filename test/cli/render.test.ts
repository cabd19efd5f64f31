// The CLI's pure renderers: kubectl's get ds table and AGE, and the rollout bar.
import { describe, expect, it } from 'vitest';
import type { V1DaemonSet } from '@kubernetes/client-node';
import { humanDuration } from '../../functions/cli/human-duration';
import { renderDaemonSetTable } from '../../functions/cli/commands/render-daemonsets';
import { renderRollout } from '../../functions/cli/commands/render-rollout';

const now = new Date('2026-01-01T01:00:00Z');
const aDaemonSet = (name: string, overrides: Partial<V1DaemonSet> = {}): V1DaemonSet => ({
  metadata: { name, namespace: 'kube-system', creationTimestamp: new Date('2026-01-01T00:55:30Z') },
  spec: { selector: { matchLabels: { name } }, template: { spec: { containers: [] } } },
  ...overrides,
});

describe('humanDuration', () => {
  it('formats ages the way kubectl does', () => {
    const s = 1000;
    expect(
      [0, 45 * s, 119 * s, 120 * s, 330 * s, 600 * s, 179 * 60 * s, 3 * 3600 * s, 3.5 * 3600 * s, 9 * 3600 * s, 50 * 3600 * s, 48 * 3600 * s].map(
        humanDuration,
      ),
    ).toEqual(['0s', '45s', '119s', '2m', '5m30s', '10m', '179m', '3h', '3h30m', '9h', '2d2h', '2d']);
    expect(humanDuration(-1500)).toBe('0s');
    expect(humanDuration(-5000)).toBe('<invalid>');
    expect(humanDuration(800 * 24 * 3600 * s)).toBe('2y70d');
  });
});

describe('renderDaemonSetTable', () => {
  it('prints kubectl get ds columns, padded three spaces past the widest cell', () => {
    const table = renderDaemonSetTable(
      [
        aDaemonSet('fluentd-elasticsearch', {
          status: {
            desiredNumberScheduled: 20,
            currentNumberScheduled: 20,
            numberReady: 19,
            updatedNumberScheduled: 18,
            numberAvailable: 17,
            numberMisscheduled: 0,
          },
        }),
        aDaemonSet('fluentd', { spec: { selector: {}, template: { spec: { containers: [], nodeSelector: { ssd: 'true' } } } } }),
      ],
      now,
    );
    expect(table.split('\n')).toEqual([
      'NAME                    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE',
      'fluentd-elasticsearch   20        20        19      18           17          <none>          4m30s',
      'fluentd                 0         0         0       0            0           ssd=true        4m30s',
    ]);
  });

  it('adds a NAMESPACE column for all namespaces and prints nothing for no DaemonSets', () => {
    expect(renderDaemonSetTable([aDaemonSet('a')], now, { allNamespaces: true }).split('\n')[1]).toMatch(/^kube-system {3}a {3}/);
    expect(renderDaemonSetTable([], now)).toBe('');
  });
});

describe('renderRollout', () => {
  it('fills the bar in proportion to updated pods and reports available ones', () => {
    expect(
      renderRollout(
        { desiredNumberScheduled: 20, updatedNumberScheduled: 10, numberAvailable: 8, currentNumberScheduled: 20, numberMisscheduled: 0, numberReady: 18 },
        10,
      ),
    ).toBe('[█████·····] 10/20 updated, 8/20 available');
    expect(renderRollout(undefined, 4)).toBe('[████] 0/0 updated, 0/0 available');
  });
});
