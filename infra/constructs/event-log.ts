// The append-only event log (docs/DESIGN.md §4), built from the same key constants as the adapter.
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  EVENT_LOG_CLUSTER_ATTRIBUTE,
  EVENT_LOG_PARTITION_KEY,
  EVENT_LOG_SORT_KEY,
  EVENT_LOG_STREAMS_INDEX,
  TABLE_KEY_PATTERNS,
} from '../../functions/adapters/event-store/keys';

export class EventLog extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { tableName: string }) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: EVENT_LOG_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: EVENT_LOG_SORT_KEY, type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true, // the log is the system of record; the table's removal policy is RETAIN too
      stream: StreamViewType.OLD_IMAGE, // the commit guard sees what a MODIFY or REMOVE replaced (tamper-evidence.ts)
    });
    this.table.addGlobalSecondaryIndex({
      indexName: EVENT_LOG_STREAMS_INDEX, // sparse: only a stream's first commit carries the cluster id
      partitionKey: { name: EVENT_LOG_CLUSTER_ATTRIBUTE, type: AttributeType.STRING },
      sortKey: { name: EVENT_LOG_PARTITION_KEY, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  /** Read any stream, the registry included. */
  grantRead(grantee: IGrantable): Grant {
    // Not table.grant(): it would add the index too, which only ingest reads.
    return Grant.addToPrincipal({ grantee, actions: ['dynamodb:GetItem', 'dynamodb:Query'], resourceArns: [this.table.tableArn] });
  }

  /**
   * Append commits (one conditional PutItem each: no role may update or delete one) only in the
   * partitions matching `keys` (TABLE_KEY_PATTERNS). `except` denies what a pattern would also
   * match (the DaemonSet-stream pattern also matches a DaemonSet's `#snapshot` partition and its `queue/…`
   * mark). The registry is always denied (only the operator's role writes it), and so are the
   * marks (set with UpdateItem, never put).
   */
  grantAppend(grantee: IGrantable, keys: readonly string[], except: readonly string[] = []): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] } },
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [...except, ...TABLE_KEY_PATTERNS.registry, ...TABLE_KEY_PATTERNS.pendingMarks] } },
      }),
    );
    return grant;
  }

  /** Register, relabel and deregister clusters: PutItem in the registry's partitions only (the operator's role). */
  grantRegistryWrite(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...TABLE_KEY_PATTERNS.registry] } },
    });
  }

  /** List a cluster's streams through the sparse index (ingest: a node event reaches every DaemonSet). */
  grantListStreams(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${EVENT_LOG_STREAMS_INDEX}`],
    });
  }

  /**
   * Set or clear a DaemonSet's "reconcile requested" mark (functions/adapters/sqs/pending-reconciles.ts):
   * only in `queue/…` partitions, so commits stay append-only.
   */
  grantPendingMarks(grantee: IGrantable, actions: ('dynamodb:UpdateItem' | 'dynamodb:DeleteItem')[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...TABLE_KEY_PATTERNS.pendingMarks] } },
    });
  }

  /** Delete superseded snapshot chunks: BatchWriteItem only in `<stream>#snapshot` partitions, never on commits. */
  grantSnapshotPruning(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:BatchWriteItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...TABLE_KEY_PATTERNS.snapshots] } },
    });
  }
}
