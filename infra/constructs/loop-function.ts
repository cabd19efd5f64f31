// One handler of the loop as a Lambda function: the runtime, architecture, bundling, logging and
// retention every handler shares, and a role that starts empty (each grant is made by the stack).
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, RecursiveLoop, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Repository paths, so the functions bundle the same sources the tests and the local runtime run. */
export const repoPath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

export interface LoopFunctionProps
  extends Pick<
    NodejsFunctionProps,
    | 'description'
    | 'environment'
    | 'memorySize'
    | 'deadLetterQueue'
    | 'retryAttempts'
    | 'reservedConcurrentExecutions'
    | 'vpc'
    | 'vpcSubnets'
    | 'securityGroups'
  > {
  /** The handler module under functions/handlers/, without extension (it exports `handler`). */
  handler: 'ingest' | 'reconcile' | 'timer' | 'checkpoint' | 'commit-guard' | 'fleet';
  timeout: Duration;
  /**
   * The function is a step of the loop reconcile → timer queue → timer → reconcile queue (and
   * timer → timer for waits over 900 s): Lambda's recursion detection would stop a long rollout
   * after ~16 hops, poisoning its message and blocking its FIFO group. Every hop is bounded by a
   * wait from the log, so the loop is the design, not a bug.
   */
  recursive?: boolean;
}

export class LoopFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: LoopFunctionProps) {
    super(scope, id);
    const { handler, environment, recursive, ...rest } = props;
    // Our own role and log group instead of AWSLambdaBasicExecutionRole, whose log actions are on `*`.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(this, 'Logs', { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      ...rest,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
      entry: repoPath(`functions/handlers/${handler}.ts`),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X, // Node 22 reaches end of life in April 2027
      recursiveLoop: recursive ? RecursiveLoop.ALLOW : RecursiveLoop.TERMINATE,
      architecture: Architecture.ARM_64,
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: repoPath(''),
      depsLockFilePath: repoPath('package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        externalModules: ['@aws-sdk/*'], // the nodejs24.x runtime ships SDK v3
        minify: true,
        sourceMap: true, // with NODE_OPTIONS=--enable-source-maps: stack traces name our .ts lines
        sourcesContent: false, // the mappings suffice; the sources would more than double the package
        // Bundled CommonJS dependencies still call require(); ESM has none unless we create it.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  }
}
