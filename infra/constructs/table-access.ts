/**
 * Least-privilege access to the single table: named DynamoDB actions, each limited to the
 * partition keys it may touch with a `dynamodb:LeadingKeys` condition.
 *
 * Why this shape:
 * - The table holds every entity, so a resource ARN cannot separate roadmap items from raw
 *   events; the partition key can. `dynamodb:LeadingKeys` is multi-valued (a batch carries
 *   many keys), hence `ForAllValues:StringLike`: every key in the request must match.
 * - `ForAllValues` is also true when the key is absent from the request, so each statement
 *   adds `Null: { dynamodb:LeadingKeys: false }` and fails closed instead.
 * - `Scan` never carries leading keys: it can only be granted table-wide (`partitions: 'any'`);
 *   asking for a Scan on a partition list is a mistake and throws.
 * - IAM evaluates each statement on its own, so a BatchWriteItem that mixes two partitions
 *   granted in two statements would be denied. Grants are therefore merged per action (union
 *   of partitions) before statements are written.
 */
import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

const READS: ReadonlySet<TableAction> = new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem']);

export interface TableGrant {
  actions: TableAction[];
  /** IAM StringLike patterns on the partition key (`EVT#*`, `META`), or 'any' (no condition) */
  partitions: readonly string[] | 'any';
}

export interface TableAccessProps {
  table: ITable;
  role: IRole;
  grants: TableGrant[];
}

export class TableAccess extends Construct {
  readonly policy: Policy;
  readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: TableAccessProps) {
    super(scope, id);
    this.statements = tableStatements(props.table.tableArn, props.grants);
    const key = props.table.encryptionKey;
    if (key) {
      // a customer-managed table key: DynamoDB uses it on the caller's behalf, and only via DynamoDB
      const writes = props.grants.some((g) => g.actions.some((a) => !READS.has(a)));
      this.statements.push(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.policy = new Policy(this, 'Policy', { statements: this.statements });
    this.policy.attachToRole(props.role);
  }
}

/** The policy statements for a set of grants on one table (exported for tests and docs). */
export function tableStatements(tableArn: string, grants: TableGrant[]): PolicyStatement[] {
  if (!grants.length) throw new Error('TableAccess: no grants');
  // action -> union of partition patterns ('any' wins)
  const byAction = new Map<TableAction, Set<string> | 'any'>();
  for (const g of grants) {
    if (!g.actions.length) throw new Error('TableAccess: a grant without actions');
    if (g.partitions !== 'any') {
      if (!g.partitions.length) throw new Error(`TableAccess: ${g.actions.join(', ')} has an empty partition list`);
      for (const p of g.partitions) {
        if (!/^[A-Za-z0-9#_-]+\*?$/.test(p)) throw new Error(`TableAccess: partition pattern '${p}' must be a key or a key prefix ending in '*'`);
      }
    }
    for (const a of g.actions) {
      if (!(TABLE_ACTIONS as readonly string[]).includes(a)) throw new Error(`TableAccess: unknown action ${a}`);
      if (a === 'dynamodb:Scan' && g.partitions !== 'any') {
        throw new Error("TableAccess: dynamodb:Scan carries no leading keys, so it cannot be limited to partitions; grant it with partitions: 'any'");
      }
      const current = byAction.get(a);
      if (current === 'any' || g.partitions === 'any') byAction.set(a, 'any');
      else byAction.set(a, new Set([...(current ?? []), ...g.partitions]));
    }
  }
  // group actions that share the same partition set into one statement
  const groups = new Map<string, { actions: TableAction[]; partitions: string[] | 'any' }>();
  for (const [action, parts] of byAction) {
    const partitions = parts === 'any' ? 'any' : [...parts].sort();
    const k = partitions === 'any' ? '*any*' : partitions.join('\n');
    const group = groups.get(k) ?? { actions: [], partitions };
    group.actions.push(action);
    groups.set(k, group);
  }
  return [...groups.values()].map(
    ({ actions, partitions }) =>
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: actions.sort(),
        resources: [tableArn],
        conditions:
          partitions === 'any'
            ? undefined
            : { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      }),
  );
}
