// Who may put events on the bus, and under which source. Each forwarder speaks only for its own
// cluster: its role's events:PutEvents is conditioned on events:source being that cluster's
// (functions/bus/patterns.ts forwarderSource), ingest checks the same binding against the
// registry, and the bus's resource policy denies PutEvents to every principal but a forwarder role.
// - ForwarderRole: one role for every EKS cluster, through EKS Pod Identity. The cluster comes from
//   the `eks-cluster-name` session tag Pod Identity sets, and the trust policy admits only the
//   forwarder's namespace and service account (the `kubernetes-*` session tags).
// - ClusterForwarderRole: one role per cluster outside EKS (or without Pod Identity), assumed by
//   whatever principal the cluster's forwarder runs as; its source is fixed to its cluster id.
import { Aws } from 'aws-cdk-lib';
import type { EventBus, IEventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, type IPrincipal, PolicyStatement, Role, ServicePrincipal, SessionTagsPrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { clusterIdProblem } from '../../domain/cluster-id';
import { forwarderSource } from '../../functions/bus/patterns';

/** Every forwarder role lives under this IAM path; the bus policy admits PutEvents from these roles only. */
export const FORWARDER_ROLE_PATH = '/daemonloop-forwarder/';
/** Where infra/manifests/forwarder-deployment.yaml runs the forwarder. */
export const FORWARDER_NAMESPACE = 'daemonloop-system';
export const FORWARDER_SERVICE_ACCOUNT = 'daemonloop-forwarder';

export class ForwarderRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: { bus: IEventBus }) {
    super(scope, id);
    // Pod Identity assumes with sts:AssumeRole and sts:TagSession: only this account's pods, and
    // only the forwarder's service account in the forwarder's namespace.
    const podIdentity = new ServicePrincipal('pods.eks.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': Aws.ACCOUNT_ID,
          'aws:RequestTag/kubernetes-namespace': FORWARDER_NAMESPACE,
          'aws:RequestTag/kubernetes-service-account': FORWARDER_SERVICE_ACCOUNT,
        },
      },
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new SessionTagsPrincipal(podIdentity),
      path: FORWARDER_ROLE_PATH,
      description: 'daemonloop watch forwarder (EKS Pod Identity): PutEvents on the daemonloop bus, under its own cluster source only',
    });
    // IAM policy variable: the session's eks-cluster-name tag, so one role serves every EKS cluster.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM, not a JS template
    grantPutEventsAs(this.role, props.bus, forwarderSource('${aws:PrincipalTag/eks-cluster-name}'));
  }
}

export interface ClusterForwarderRoleProps {
  bus: IEventBus;
  clusterId: string;
  /** Who the cluster's forwarder runs as (an IRSA web identity, an IAM user or role on the host, …). */
  assumedBy: IPrincipal;
}

export class ClusterForwarderRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ClusterForwarderRoleProps) {
    super(scope, id);
    const problem = clusterIdProblem(props.clusterId);
    if (problem) throw new Error(problem);
    this.role = new Role(this, 'Role', {
      assumedBy: props.assumedBy,
      path: FORWARDER_ROLE_PATH,
      description: `daemonloop watch forwarder of cluster ${props.clusterId}: PutEvents on the daemonloop bus, under its source only`,
    });
    grantPutEventsAs(this.role, props.bus, forwarderSource(props.clusterId));
  }
}

function grantPutEventsAs(role: Role, bus: IEventBus, source: string): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn], conditions: { StringEquals: { 'events:source': source } } }),
  );
}

/** The bus's resource policy: PutEvents from anyone but a forwarder role is denied, whatever their own policies allow. */
export function onlyForwardersPut(bus: EventBus): void {
  bus.addToResourcePolicy(
    new PolicyStatement({
      sid: 'OnlyDaemonloopForwardersPutEvents',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { ArnNotLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${FORWARDER_ROLE_PATH}*` } },
    }),
  );
}
