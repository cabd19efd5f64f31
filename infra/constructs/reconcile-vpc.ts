// Optional VPC placement for the reconcile function, so a private EKS endpoint is reachable and a
// public one need not be open to the world. From CDK context (all offline, no lookups):
//   -c reconcileVpcId=vpc-… -c reconcileSubnetIds=subnet-a,subnet-b -c reconcileAvailabilityZones=eu-west-1a,eu-west-1b
//   [-c reconcileSecurityGroupId=sg-…]                  (default: a new one, egress only)
//   [-c reconcileVpcEndpoints=true -c reconcileRouteTableIds=rtb-a,rtb-b]
// With endpoints, reconcile reaches DynamoDB (gateway), SQS, Secrets Manager, STS and CloudWatch
// Logs (interface) without a NAT; without them the subnets need a NAT gateway, and the cluster's
// public endpoint can allowlist the NAT's addresses (docs/deploy-to-aws.md).
import {
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  Subnet,
  Vpc,
  type ISecurityGroup,
  type IVpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import type { Node } from 'constructs';
import { Construct } from 'constructs';

export interface VpcPlacementSettings {
  vpcId: string;
  subnetIds: string[];
  availabilityZones: string[];
  securityGroupId?: string;
  endpoints: boolean;
  routeTableIds: string[];
}

const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Array.isArray(value)
      ? value.map(String)
      : [];

/** The placement from context, or undefined when `reconcileVpcId` is not set. A partial one fails by name. */
export function readVpcPlacement(node: Node): VpcPlacementSettings | undefined {
  const vpcId: unknown = node.tryGetContext('reconcileVpcId');
  if (vpcId === undefined) return undefined;
  if (typeof vpcId !== 'string' || !/^vpc-[0-9a-f]+$/.test(vpcId)) throw new Error(`context reconcileVpcId: want vpc-…, got ${JSON.stringify(vpcId)}`);
  const subnetIds = list(node.tryGetContext('reconcileSubnetIds'));
  const availabilityZones = list(node.tryGetContext('reconcileAvailabilityZones'));
  if (subnetIds.length === 0 || !subnetIds.every((s) => /^subnet-[0-9a-f]+$/.test(s)))
    throw new Error(`context reconcileSubnetIds: want subnet-…,subnet-…, got ${JSON.stringify(node.tryGetContext('reconcileSubnetIds'))}`);
  if (availabilityZones.length !== subnetIds.length)
    throw new Error('context reconcileAvailabilityZones: want one zone per subnet in reconcileSubnetIds, in the same order');
  const securityGroupId: unknown = node.tryGetContext('reconcileSecurityGroupId');
  if (securityGroupId !== undefined && (typeof securityGroupId !== 'string' || !/^sg-[0-9a-f]+$/.test(securityGroupId)))
    throw new Error(`context reconcileSecurityGroupId: want sg-…, got ${JSON.stringify(securityGroupId)}`);
  const endpoints = String(node.tryGetContext('reconcileVpcEndpoints') ?? 'false') === 'true';
  const routeTableIds = list(node.tryGetContext('reconcileRouteTableIds'));
  if (endpoints && routeTableIds.length === 0) throw new Error('context reconcileRouteTableIds: the DynamoDB gateway endpoint needs the subnets’ route tables');
  return { vpcId, subnetIds, availabilityZones, ...(securityGroupId ? { securityGroupId } : {}), endpoints, routeTableIds };
}

export class ReconcileVpc extends Construct {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
  readonly vpcSubnets: SubnetSelection;

  constructor(scope: Construct, id: string, settings: VpcPlacementSettings) {
    super(scope, id);
    this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: settings.vpcId,
      availabilityZones: settings.availabilityZones,
      privateSubnetIds: settings.subnetIds,
    });
    this.vpcSubnets = {
      subnets: settings.subnetIds.map((s, i) =>
        Subnet.fromSubnetAttributes(this, `Subnet${i}`, { subnetId: s, availabilityZone: settings.availabilityZones[i]! }),
      ),
    };
    this.securityGroup = settings.securityGroupId
      ? SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', settings.securityGroupId)
      : new SecurityGroup(this, 'SecurityGroup', {
          vpc: this.vpc,
          description: 'daemonloop reconcile: egress to cluster APIs and AWS endpoints',
          allowAllOutbound: true,
        });
    if (!settings.endpoints) return;
    // The services reconcile calls (handlers/aws-deps.ts): interface endpoints answer the function's security group on 443.
    const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'daemonloop VPC endpoints: HTTPS from reconcile',
      allowAllOutbound: false,
    });
    endpointGroup.addIngressRule(Peer.securityGroupId(this.securityGroup.securityGroupId), Port.tcp(443), 'reconcile');
    this.vpc.addGatewayEndpoint('DynamoDb', {
      service: GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [
        {
          subnets: settings.routeTableIds.map((rtb, i) =>
            Subnet.fromSubnetAttributes(this, `RouteTable${i}`, { subnetId: settings.subnetIds[i] ?? settings.subnetIds[0]!, routeTableId: rtb }),
          ),
        },
      ],
    });
    for (const [name, service] of Object.entries({
      Sqs: InterfaceVpcEndpointAwsService.SQS,
      SecretsManager: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Sts: InterfaceVpcEndpointAwsService.STS,
      Logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    })) {
      this.vpc.addInterfaceEndpoint(name, { service, subnets: this.vpcSubnets, securityGroups: [endpointGroup], privateDnsEnabled: true, open: false }); // open: only the rule above, not the whole VPC CIDR
    }
  }
}
