// `npx cdk synth|deploy`: one stack, named by `-c stackName=…` or DAEMONLOOP_STACK_NAME (default
// Daemonloop); its parameters come from context (infra/settings.ts).
import { App } from 'aws-cdk-lib';
import { DaemonloopStack } from './daemonloop-stack';
import { readSettings, readStackName } from './settings';

const app = new App();
new DaemonloopStack(app, readStackName(app.node), { settings: readSettings(app.node) });
