// The role a cluster's watch forwarder assumes through EKS Pod Identity: PutEvents on the bus, nothing else.
// (Forwarders outside EKS use whatever credentials their host has; IRSA: docs/deploy-to-aws.md.)
import { Aws } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal, SessionTagsPrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export class ForwarderRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: { bus: IEventBus }) {
    super(scope, id);
    // Pod Identity assumes with sts:AssumeRole and sts:TagSession; only this account's pods may.
    const podIdentity = new ServicePrincipal('pods.eks.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new SessionTagsPrincipal(podIdentity),
      description: 'daemonloop watch forwarder (EKS Pod Identity): PutEvents on the daemonloop bus',
    });
    props.bus.grantPutEventsTo(this.role);
  }
}
