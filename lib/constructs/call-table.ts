import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../functions/adapters/dynamodb/table-definition';

/**
 * The single table (agents, API keys, the HubSpot connection, calls). Key and index names
 * come from the layout the functions use, so the two cannot drift apart. It holds the only
 * record of what happened to each call: on-demand, point-in-time recovery, encrypted with
 * the AWS managed key, kept when the stack is deleted, and protected against deletion.
 */
export class CallTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const index of TABLE_KEYS.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // Keys only (LAYOUT.md): a status change then rewrites ~100-byte entries, not the record.
        projectionType: ProjectionType[index.projection],
      });
    }
  }

  /** The table and each of its indexes by name: narrower than the usual `index/*`. */
  resourceArns(): string[] {
    return [this.table.tableArn, ...TABLE_KEYS.indexes.map((i) => `${this.table.tableArn}/index/${i.indexName}`)];
  }
}
