// An App as `npx cdk synth` builds it: with cdk.json's context (the feature flags), so the tests
// check the template that is deployed; bundling skipped (synth.test.ts runs the real esbuild).
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { repoPath } from '../../infra/constructs/loop-function';

export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')).context;

export const cdkApp = (context: Record<string, unknown> = {}): App => new App({ context: { ...CDK_JSON_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
