// `npx cdk synth|deploy`: one stack; its parameters come from context (infra/settings.ts).
import { App } from 'aws-cdk-lib';
import { DaemonloopStack } from './daemonloop-stack';
import { readSettings } from './settings';

const app = new App();
new DaemonloopStack(app, 'Daemonloop', { settings: readSettings(app.node) });
