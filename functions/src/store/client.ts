/**
 * Store connection: one DynamoDB document client for every backend (embedded dynalite,
 * DynamoDB Local, AWS). The table is created idempotently.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { STORE_KEY_HEADER, prepareDataDir, startEmbedded, type EmbeddedStore } from './embedded';

/** Capacity units consumed, summed from the store's own accounting (ReturnConsumedCapacity). */
export interface CapacityMeter {
  read: number;
  write: number;
  requests: number;
}

export interface Store {
  doc: DynamoDBDocumentClient;
  /** set when the store was opened with `meter: true` */
  meter?: CapacityMeter;
  table: string;
  endpoint?: string;
  /** the embedded store's private Unix socket (dynalite and memory kinds) */
  socketPath?: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  kind: 'dynalite' | 'memory' | 'dynamodb';
  table: string;
  dataDir?: string;
  endpoint?: string;
  /** extra client options, e.g. maxAttempts for fault tests */
  maxAttempts?: number;
  /** count consumed capacity units (benchmarks) */
  meter?: boolean;
}

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

function addMeter(client: DynamoDBClient): CapacityMeter {
  const meter: CapacityMeter = { read: 0, write: 0, requests: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const cc = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      const units = (Array.isArray(cc) ? cc : cc ? [cc] : []).reduce((a, c) => a + (c.CapacityUnits ?? 0), 0);
      const name = (context as { commandName?: string }).commandName ?? '';
      if (READS.has(name)) meter.read += units;
      else meter.write += units;
      meter.requests++;
      return out;
    },
    { step: 'initialize', name: 'sextantCapacityMeter' },
  );
  return meter;
}

/** Start (if embedded) and connect to the store; ensure the table exists. */
export async function openStore(opts: StoreOptions): Promise<Store> {
  let embedded: EmbeddedStore | undefined;
  let endpoint = opts.endpoint;
  if (opts.kind !== 'dynamodb') {
    // reachable by this process only: a Unix socket in a private directory (./embedded.ts)
    embedded = await startEmbedded(opts.kind === 'dynalite' ? prepareDataDir(opts.dataDir ?? '.data') : undefined);
    endpoint = embedded.endpoint;
  }
  const local = opts.kind !== 'dynamodb' || (endpoint !== undefined && /localhost|127\.0\.0\.1/.test(endpoint));
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: opts.maxAttempts ?? 6,
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    ...(embedded ? { requestHandler: new NodeHttpHandler({ httpAgent: embedded.agent }) } : {}),
  });
  if (embedded) {
    const secret = embedded.secret;
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers[STORE_KEY_HEADER] = secret;
        return next(args);
      },
      { step: 'build', name: 'sextantEmbeddedStoreKey' },
    );
  }
  const meter = opts.meter ? addMeter(client) : undefined;
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const store: Store = {
    doc,
    table: opts.table,
    endpoint: embedded ? undefined : endpoint,
    socketPath: embedded?.socketPath,
    meter,
    async close() {
      client.destroy();
      await embedded?.close();
    },
  };
  if (opts.kind !== 'dynamodb' || endpoint) await ensureTable(client, opts.table);
  return store;
}

/** Create the single table if it does not exist (idempotent; safe under concurrent starts). */
export async function ensureTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return;
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
  }
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: table }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${table} did not become ACTIVE`);
}
