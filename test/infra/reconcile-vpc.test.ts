// The VPC option: with context, reconcile runs in the given subnets behind a security group, with
// the endpoints it needs; without it, nothing of the kind is synthesized. A partial setting fails by name.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cdkApp } from './cdk-app';
import { DaemonloopStack } from '../../infra/daemonloop-stack';
import { readSettings } from '../../infra/settings';

const synth = (context: Record<string, string>) => {
  const app = cdkApp(context);
  const stack = new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
  return { stack, template: Template.fromStack(stack) };
};
const placed = {
  reconcileVpcId: 'vpc-0123abcd',
  reconcileSubnetIds: 'subnet-0a,subnet-0b',
  reconcileAvailabilityZones: 'eu-west-1a,eu-west-1b',
  reconcileVpcEndpoints: 'true',
  reconcileRouteTableIds: 'rtb-0a,rtb-0b',
};

describe('reconcile in a VPC', () => {
  it('places only reconcile in the subnets with a security group, and adds the DynamoDB, SQS, Secrets Manager, STS and Logs endpoints', () => {
    const { stack, template } = synth(placed);
    const fn = template.toJSON().Resources[stack.getLogicalId(stack.reconcile.fn.node.defaultChild as never)].Properties;
    expect(fn.VpcConfig.SubnetIds).toEqual(['subnet-0a', 'subnet-0b']);
    expect(fn.VpcConfig.SecurityGroupIds).toHaveLength(1);
    for (const other of [stack.ingest, stack.timer])
      expect(template.toJSON().Resources[stack.getLogicalId(other.fn.node.defaultChild as never)].Properties.VpcConfig).toBeUndefined();
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.Properties.ServiceName));
    for (const service of ['dynamodb', 'sqs', 'secretsmanager', 'sts', 'logs'])
      expect(
        endpoints.some((n) => n.includes(`.${service}`)),
        service,
      ).toBe(true);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0a', 'rtb-0b'] });
  }, 180_000); // a whole synth; minutes on a loaded machine

  it('synthesizes no VPC resource without the context', () => {
    const { template } = synth({});
    expect(Object.keys(template.findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(0);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup'))).toHaveLength(0);
  }, 180_000); // a whole synth; minutes on a loaded machine

  it('names what is missing in a partial placement', () => {
    expect(() => synth({ reconcileVpcId: 'vpc-0123abcd' })).toThrow(/reconcileSubnetIds/);
    expect(() => synth({ ...placed, reconcileAvailabilityZones: 'eu-west-1a' })).toThrow(/one zone per subnet/);
    expect(() => synth({ ...placed, reconcileRouteTableIds: '' })).toThrow(/reconcileRouteTableIds/);
  });
});
