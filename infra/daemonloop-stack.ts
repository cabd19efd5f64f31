// The stack `npx cdk deploy` builds: the DaemonloopControlPlane construct (infra/control-plane.ts)
// and nothing else, its settings and VPC placement from CDK context (infra/settings.ts,
// constructs/reconcile-vpc.ts). Your own CDK app can use the construct instead of this stack.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { readVpcPlacement } from './constructs/reconcile-vpc';
import type { LoopFunction } from './constructs/loop-function';
import type { TamperEvidence } from './constructs/tamper-evidence';
import { DaemonloopControlPlane } from './control-plane';
import type { LoopSettings } from './settings';

export class DaemonloopStack extends Stack {
  readonly controlPlane: DaemonloopControlPlane;
  readonly ingest: LoopFunction;
  readonly reconcile: LoopFunction;
  readonly timer: LoopFunction;
  readonly tamperEvidence: TamperEvidence;

  constructor(scope: Construct, id: string, props: StackProps & { settings: LoopSettings }) {
    super(scope, id, props);
    const reconcileVpc = readVpcPlacement(this.node);
    // `Default` is left out of logical ids: every resource keeps the id it had when this body was the stack's.
    this.controlPlane = new DaemonloopControlPlane(this, 'Default', { settings: props.settings, ...(reconcileVpc ? { reconcileVpc } : {}) });
    ({ ingest: this.ingest, reconcile: this.reconcile, timer: this.timer, tamperEvidence: this.tamperEvidence } = this.controlPlane);
  }
}
