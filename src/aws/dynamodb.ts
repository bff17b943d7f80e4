/**
 * The deployment lock's DynamoDB table behind a narrow interface: the six calls the lock makes,
 * conditional failures and a missing table answered as results (they are the lock's ordinary
 * outcomes), everything else thrown wrapped with what was being done. The SDK is imported on
 * the first call, so a run that never locks pays nothing for it at start-up.
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { noteFailedAttempts, noteFailedAttemptsOptions, withinLimits } from './deadline.js';
import { attempt, awsErrorCode } from './errors.js';
import { JitteredRetry } from './retry.js';

/** One lock as stored: one item per lock key. */
export interface LockItem {
  LockKey: string;
  /** Random id of the run that holds it. */
  Owner: string;
  /** Who that is, for people: a workflow run URL, or host and pid. */
  Holder: string;
  /** Random id renewed by every heartbeat: a version that stands still for a lease means a dead holder. */
  Version: string;
  LeaseMs: number;
  /** Informational only (the holder's own clock): never compared with ours. */
  AcquiredAt?: string;
}

/** The conditions the lock writes under; each is one DynamoDB condition expression (see `expression`). */
export type LockCondition =
  { kind: 'free-or-owned-by'; owner: string } | { kind: 'owned-by'; owner: string } | { kind: 'version-is'; version: string };

export type WriteResult = 'ok' | 'condition-failed' | 'no-table';

export interface LockStore {
  /** 'exists' when the table exists or someone else is creating it (ResourceInUseException). */
  createTable(table: string): Promise<'created' | 'exists'>;
  /** The TableStatus (CREATING, ACTIVE…), or undefined when there is no such table. */
  describeTable(table: string): Promise<string | undefined>;
  putItem(table: string, item: LockItem, condition: LockCondition, signal?: AbortSignal): Promise<WriteResult>;
  /** A strongly consistent read (ConsistentRead): it reflects every write that succeeded before it. */
  getItem(table: string, key: string, signal?: AbortSignal): Promise<LockItem | undefined>;
  /** Sets a new Version (the heartbeat). */
  updateItem(table: string, key: string, version: string, condition: LockCondition): Promise<WriteResult>;
  deleteItem(table: string, key: string, condition: LockCondition): Promise<WriteResult>;
}

export interface LockStoreOptions {
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** Attempts per request; throttling and transient errors are retried with full-jitter back-off (retry.ts). */
  maxAttempts?: number;
  /**
   * The deadline of one call, retries included (default 10 000 ms), so a call that never answers
   * cannot hold the lock's wait or its heartbeat for ever (a heartbeat must land within a lease).
   */
  callTimeoutMs?: number;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_CALL_TIMEOUT_MS = 10_000;
const CONNECTION_TIMEOUT_MS = 5_000;

/** The partition key's name (a string); the table has no sort key. */
export const LOCK_KEY_ATTRIBUTE = 'LockKey';

/** `#Owner`/`#Version` placeholders: names in expressions go through ExpressionAttributeNames so no reserved word can bite. */
export function expression(condition: LockCondition): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
} {
  switch (condition.kind) {
    case 'free-or-owned-by':
      return {
        ConditionExpression: `attribute_not_exists(#LockKey) OR #Owner = :owner`,
        ExpressionAttributeNames: { '#LockKey': LOCK_KEY_ATTRIBUTE, '#Owner': 'Owner' },
        ExpressionAttributeValues: { ':owner': { S: condition.owner } }
      };
    case 'owned-by':
      return {
        ConditionExpression: '#Owner = :owner',
        ExpressionAttributeNames: { '#Owner': 'Owner' },
        ExpressionAttributeValues: { ':owner': { S: condition.owner } }
      };
    case 'version-is':
      return {
        ConditionExpression: '#Version = :version',
        ExpressionAttributeNames: { '#Version': 'Version' },
        ExpressionAttributeValues: { ':version': { S: condition.version } }
      };
  }
}

function toAttributes(item: LockItem): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {
    [LOCK_KEY_ATTRIBUTE]: { S: item.LockKey },
    Owner: { S: item.Owner },
    Holder: { S: item.Holder },
    Version: { S: item.Version },
    LeaseMs: { N: String(item.LeaseMs) }
  };
  if (item.AcquiredAt) out.AcquiredAt = { S: item.AcquiredAt };
  return out;
}

/** Tolerates items written by hand or by another version: a missing field reads as empty, a bad lease as NaN (the lock falls back to its own). */
function fromAttributes(attrs: Record<string, AttributeValue>): LockItem {
  const s = (name: string): string => attrs[name]?.S ?? '';
  const lease = attrs.LeaseMs?.N;
  return {
    LockKey: s(LOCK_KEY_ATTRIBUTE),
    Owner: s('Owner'),
    Holder: s('Holder'),
    Version: s('Version'),
    LeaseMs: lease === undefined ? Number.NaN : Number(lease),
    ...(attrs.AcquiredAt?.S ? { AcquiredAt: attrs.AcquiredAt.S } : {})
  };
}

/** Conditional failure and a missing table are outcomes the lock acts on, not errors. */
function writeOutcome(error: unknown): WriteResult {
  const code = awsErrorCode(error);
  if (code === 'ConditionalCheckFailedException') return 'condition-failed';
  if (code === 'ResourceNotFoundException') return 'no-table';
  throw error;
}

export function createLockStore(options: LockStoreOptions = {}): LockStore {
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-dynamodb'); client: DynamoDBClient }> | undefined;
  const ddb = (): NonNullable<typeof loaded> =>
    (loaded ??= import('@aws-sdk/client-dynamodb').then((sdk) => {
      const client = new sdk.DynamoDBClient({
        ...(options.region ? { region: options.region } : {}),
        maxAttempts,
        retryStrategy: new JitteredRetry(maxAttempts),
        requestHandler: {
          connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, timeoutMs),
          requestTimeout: timeoutMs,
          throwOnRequestTimeout: true
        }
      });
      client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
      return { sdk, client };
    }));
  /** One logical call: wrapped with what was being done, ended by its deadline or by `signal`. */
  const call = <T>(action: string, signal: AbortSignal | undefined, body: (abortSignal: AbortSignal) => Promise<T>): Promise<T> =>
    attempt(action, () => withinLimits(action, { timeoutMs, signals: signal ? [signal] : [] }, body));
  const key = (k: string): Record<string, AttributeValue> => ({ [LOCK_KEY_ATTRIBUTE]: { S: k } });

  return {
    createTable: (table) =>
      call(`creating DynamoDB table ${table} for deployment locks`, undefined, async (abortSignal) => {
        const { sdk, client } = await ddb();
        try {
          await client.send(
            new sdk.CreateTableCommand({
              TableName: table,
              AttributeDefinitions: [{ AttributeName: LOCK_KEY_ATTRIBUTE, AttributeType: 'S' }],
              KeySchema: [{ AttributeName: LOCK_KEY_ATTRIBUTE, KeyType: 'HASH' }],
              BillingMode: 'PAY_PER_REQUEST'
            }),
            { abortSignal }
          );
          return 'created';
        } catch (error) {
          if (awsErrorCode(error) === 'ResourceInUseException') return 'exists';
          throw error;
        }
      }),
    describeTable: (table) =>
      call(`describing DynamoDB table ${table}`, undefined, async (abortSignal) => {
        const { sdk, client } = await ddb();
        try {
          const out = await client.send(new sdk.DescribeTableCommand({ TableName: table }), { abortSignal });
          return out.Table?.TableStatus ?? 'UNKNOWN';
        } catch (error) {
          if (awsErrorCode(error) === 'ResourceNotFoundException') return undefined;
          throw error;
        }
      }),
    putItem: (table, item, condition, signal) =>
      call(`taking deployment lock ${item.LockKey} in DynamoDB table ${table}`, signal, async (abortSignal) => {
        const { sdk, client } = await ddb();
        try {
          await client.send(new sdk.PutItemCommand({ TableName: table, Item: toAttributes(item), ...expression(condition) }), {
            abortSignal
          });
          return 'ok';
        } catch (error) {
          return writeOutcome(error);
        }
      }),
    getItem: (table, k, signal) =>
      call(`reading deployment lock ${k} in DynamoDB table ${table}`, signal, async (abortSignal) => {
        const { sdk, client } = await ddb();
        const out = await client.send(new sdk.GetItemCommand({ TableName: table, Key: key(k), ConsistentRead: true }), { abortSignal });
        return out.Item ? fromAttributes(out.Item) : undefined;
      }),
    updateItem: (table, k, version, condition) =>
      call(`renewing deployment lock ${k} in DynamoDB table ${table}`, undefined, async (abortSignal) => {
        const { sdk, client } = await ddb();
        const cond = expression(condition);
        try {
          await client.send(
            new sdk.UpdateItemCommand({
              TableName: table,
              Key: key(k),
              UpdateExpression: 'SET #Version = :newVersion',
              ConditionExpression: cond.ConditionExpression,
              ExpressionAttributeNames: { ...cond.ExpressionAttributeNames, '#Version': 'Version' },
              ExpressionAttributeValues: { ...cond.ExpressionAttributeValues, ':newVersion': { S: version } }
            }),
            { abortSignal }
          );
          return 'ok';
        } catch (error) {
          return writeOutcome(error);
        }
      }),
    deleteItem: (table, k, condition) =>
      call(`releasing deployment lock ${k} in DynamoDB table ${table}`, undefined, async (abortSignal) => {
        const { sdk, client } = await ddb();
        try {
          await client.send(new sdk.DeleteItemCommand({ TableName: table, Key: key(k), ...expression(condition) }), { abortSignal });
          return 'ok';
        } catch (error) {
          return writeOutcome(error);
        }
      })
  };
}
