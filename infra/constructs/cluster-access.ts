// One identity per cluster: reconcile reaches a cluster only as that cluster's own role, assumed
// with the session tag `daemonloop-cluster=<cluster id>` (functions/registry/cluster-aws.ts). The
// role's trust policy admits reconcile's role with exactly that tag value, and the role may read
// only its cluster's secret and describe only its EKS cluster; the cluster's EKS access entry maps
// only this role. A leaked credential of one cluster therefore reaches that cluster alone.
import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, SessionTagsPrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { clusterIdProblem } from '../../domain/cluster-id';
import { CLUSTER_SECRET_PREFIX } from '../../functions/config-names';
import { CLUSTER_SESSION_TAG } from '../../functions/registry/cluster-aws';

/** Every cluster's access role lives under this IAM path; reconcile may assume only these. */
export const CLUSTER_ROLE_PATH = '/daemonloop-cluster/';

/** Lets `reconcile` assume (and tag) the per-cluster roles, and nothing else of a cluster's. */
export function grantAssumeClusterRoles(reconcile: IRole): void {
  reconcile.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${CLUSTER_ROLE_PATH}*`],
      conditions: { StringLike: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: '?*' } }, // always names a cluster
    }),
  );
}

export interface ClusterAccessRoleProps {
  clusterId: string;
  reconcileRole: IRole;
  /** An EKS cluster: its name (and region, when not the stack's); the role may describe it. */
  eksCluster?: { name: string; region?: string };
}

export class ClusterAccessRole extends Construct {
  readonly role: Role;
  readonly clusterId: string;

  constructor(scope: Construct, id: string, props: ClusterAccessRoleProps) {
    super(scope, id);
    const problem = clusterIdProblem(props.clusterId);
    if (problem) throw new Error(problem);
    this.clusterId = props.clusterId;
    const reconcile = new SessionTagsPrincipal(props.reconcileRole).withConditions({
      StringEquals: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: props.clusterId },
    });
    this.role = new Role(this, 'Role', {
      roleName: props.clusterId, // under the path: arn:…:role/daemonloop-cluster/<cluster id>
      path: CLUSTER_ROLE_PATH,
      assumedBy: reconcile,
      description: `daemonloop reconcile's identity toward cluster ${props.clusterId} only`,
    });
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        // A secret's ARN ends in `-` and six random characters.
        resources: [
          stack.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${CLUSTER_SECRET_PREFIX}${props.clusterId}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    if (props.eksCluster) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['eks:DescribeCluster'],
          resources: [
            stack.formatArn({
              service: 'eks',
              resource: 'cluster',
              resourceName: props.eksCluster.name,
              ...(props.eksCluster.region ? { region: props.eksCluster.region } : {}),
            }),
          ],
        }),
      );
    }
  }

  /** Trusts one more loop role (the fleet reconcile's) on the same terms: only with the session tag naming this cluster. */
  admit(role: IRole): void {
    this.role.assumeRolePolicy?.addStatements(
      new PolicyStatement({
        principals: [role],
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        conditions: { StringEquals: { [`aws:RequestTag/${CLUSTER_SESSION_TAG}`]: this.clusterId } },
      }),
    );
  }
}
