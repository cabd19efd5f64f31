// One identity per cluster: a forwarder role outside EKS may put events under its own cluster's
// source only, and reconcile reaches a cluster only as that cluster's access role, assumed with a
// session tag naming it — the role reads that cluster's secret and describes that EKS cluster alone.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { ArnPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { forwarderSource } from '../../functions/bus/patterns';
import { CLUSTER_SESSION_TAG } from '../../functions/registry/cluster-aws';
import { ClusterAccessRole, CLUSTER_ROLE_PATH } from '../../infra/constructs/cluster-access';
import { ClusterForwarderRole, FORWARDER_ROLE_PATH } from '../../infra/constructs/forwarder-role';

function build(add: (stack: Stack, bus: EventBus, reconcile: Role) => void) {
  const stack = new Stack(new App(), 'T');
  const bus = new EventBus(stack, 'Bus');
  const reconcile = new Role(stack, 'Reconcile', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  add(stack, bus, reconcile);
  return { template: Template.fromStack(stack), stack, bus, reconcile };
}
const statementsOf = (template: Template, roleId: string) =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);

describe('ClusterForwarderRole', () => {
  it("puts events under its own cluster's source only, from the forwarder path the bus policy admits", () => {
    let roleId = '';
    const { template } = build((stack, bus) => {
      const f = new ClusterForwarderRole(stack, 'OnPrem', {
        bus,
        clusterId: 'on-prem-1',
        assumedBy: new ArnPrincipal('arn:aws:iam::123456789012:user/forwarder-on-prem-1'),
      });
      roleId = stack.getLogicalId(f.role.node.defaultChild as never);
    });
    expect(template.toJSON().Resources[roleId].Properties.Path).toBe(FORWARDER_ROLE_PATH);
    expect(statementsOf(template, roleId)).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: expect.anything(),
        Condition: { StringEquals: { 'events:source': forwarderSource('on-prem-1') } },
      },
    ]);
  });

  it('refuses a bad cluster id at synth, naming the rule', () => {
    expect(() =>
      build((stack, bus) => new ClusterForwarderRole(stack, 'Bad', { bus, clusterId: 'queue', assumedBy: new ArnPrincipal('arn:aws:iam::1:user/x') })),
    ).toThrow(/reserved/);
  });
});

describe('ClusterAccessRole', () => {
  it("is assumable by reconcile only with the session tag naming its cluster, and reads that cluster's secret and EKS cluster alone", () => {
    let roleId = '';
    const { template } = build((stack, _bus, reconcile) => {
      const r = new ClusterAccessRole(stack, 'Prod', { clusterId: 'prod-eu', reconcileRole: reconcile, eksCluster: { name: 'Prod_EU', region: 'eu-west-1' } });
      roleId = stack.getLogicalId(r.role.node.defaultChild as never);
    });
    const role = template.toJSON().Resources[roleId].Properties;
    expect(role).toMatchObject({ Path: CLUSTER_ROLE_PATH, RoleName: 'prod-eu' });
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^Reconcile/), 'Arn'] } },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringEquals: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: 'prod-eu' } },
      },
    ]);
    const grants = statementsOf(template, roleId).map((s) => [s.Action, JSON.stringify(s.Resource)]);
    expect(grants).toEqual([
      ['secretsmanager:GetSecretValue', expect.stringContaining(':secret:daemonloop/clusters/prod-eu-??????')],
      ['eks:DescribeCluster', expect.stringContaining(':eks:eu-west-1:')],
    ]);
    expect(grants[1]![1]).toContain(':cluster/Prod_EU');
  });
});
