// The operator's role for the CLI's registry commands (`clusters register`, `clusters label`):
// the only principal that may write the cluster registry, which the loop's functions only read.
// Assumable by principals of this account that are themselves allowed sts:AssumeRole on it.
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Aws } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { EventLog } from './event-log';

export class OperatorRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: { log: EventLog }) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new AccountPrincipal(Aws.ACCOUNT_ID),
      description: 'daemonloop operator: register and label clusters (the registry), read the log',
    });
    props.log.grantRead(this.role);
    props.log.grantRegistryWrite(this.role);
  }
}
