/**
 * DynamoDB (awsJson1_0, x-amz-target DynamoDB_20120810.*) as far as ecs-rollout's deployment lock
 * uses it: tables (CreateTable → CREATING, ACTIVE a few simulated seconds later; DescribeTable;
 * DeleteTable) and single items (PutItem, GetItem, UpdateItem, DeleteItem) with condition and
 * update expressions. Every write to one item is applied atomically, in arrival order, and every
 * read sees the last write: the guarantees DynamoDB gives a single item (reads here are always
 * strongly consistent; AWS's eventually consistent reads may lag).
 */
import { createHash } from 'node:crypto';
import { ApiError, type Handler, type ServiceModel, type SimClock } from '../types.js';
import { applyUpdate, checkValue, evaluate, parseCondition, parseUpdate, Placeholders, validation, type Item } from './expressions.js';

export interface DynamoDbDeps {
  clock: SimClock;
  region: string;
  accountId: string;
}

/** How long an on-demand table stays CREATING (AWS: typically seconds). */
export const TABLE_CREATION_MS = 3_000;

interface KeyElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

interface Table {
  name: string;
  arn: string;
  id: string;
  status: 'CREATING' | 'ACTIVE';
  activeAt: number;
  createdAt: number;
  keySchema: KeyElement[];
  attributeDefinitions: { AttributeName: string; AttributeType: string }[];
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  provisioned?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  items: Map<string, Item>;
}

/**
 * The `__type` of an error as DynamoDB sends it: its own exceptions carry the service's
 * namespace, the request-validation and throttling layers their own (SDKs keep what follows '#').
 */
export function dynamoDbErrorType(code: string): string {
  if (code === 'ValidationException') return `com.amazon.coral.validate#${code}`;
  if (code === 'ThrottlingException') return `com.amazon.coral.availability#${code}`;
  if (/^(AccessDenied|UnrecognizedClient|MissingAuthenticationToken|IncompleteSignature|UnknownOperation|Serialization)/.test(code))
    return `com.amazon.coral.service#${code}`;
  return `com.amazonaws.dynamodb.v20120810#${code}`;
}

/**
 * An injected fault as DynamoDB would answer it: item operations over the table's capacity get
 * ProvisionedThroughputExceededException, control-plane calls ThrottlingException (the SDKs
 * retry both as throttling); a server fault is InternalServerError (500).
 */
export function dynamoDbFault(kind: string, operation: string): ApiError {
  if (kind === 'throttle') {
    return /Item$/.test(operation)
      ? new ApiError(
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.'
        )
      : new ApiError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
  }
  return new ApiError('InternalServerError', 'Internal server error', 500);
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

function notFound(): ApiError {
  return new ApiError('ResourceNotFoundException', 'Requested resource not found');
}

function tableName(input: Record<string, any>): string {
  const name = input.TableName;
  if (typeof name !== 'string' || name === '') {
    throw validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  }
  if (!TABLE_NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`
    );
  }
  return name;
}

function describe(t: Table, status: string = t.status): Record<string, unknown> {
  return {
    TableName: t.name,
    TableArn: t.arn,
    TableId: t.id,
    TableStatus: status,
    CreationDateTime: new Date(t.createdAt),
    KeySchema: t.keySchema,
    AttributeDefinitions: t.attributeDefinitions,
    ItemCount: t.items.size,
    TableSizeBytes: [...t.items.values()].reduce((n, item) => n + Buffer.byteLength(JSON.stringify(item)), 0),
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: t.provisioned?.ReadCapacityUnits ?? 0,
      WriteCapacityUnits: t.provisioned?.WriteCapacityUnits ?? 0
    },
    ...(t.billingMode === 'PAY_PER_REQUEST'
      ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date(t.createdAt) } }
      : {}),
    DeletionProtectionEnabled: false
  };
}

const RETURN_VALUES: Record<string, string[]> = {
  PutItem: ['NONE', 'ALL_OLD'],
  DeleteItem: ['NONE', 'ALL_OLD'],
  UpdateItem: ['NONE', 'ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW']
};

export function createDynamoDb(deps: DynamoDbDeps): ServiceModel {
  const tables = new Map<string, Table>();

  /** A table the data plane can use: unknown and still-CREATING tables are both "not found", as on AWS. */
  const activeTable = (input: Record<string, any>): Table => {
    const t = tables.get(tableName(input));
    if (!t || t.status !== 'ACTIVE') throw notFound();
    return t;
  };

  /** The item's key as a map key, checked against the schema (names, count and types). */
  const keyOf = (t: Table, key: unknown, what: 'key' | 'item'): string => {
    if (key === null || typeof key !== 'object') throw validation('The provided key element does not match the schema');
    const k = key as Item;
    const parts: string[] = [];
    for (const el of t.keySchema) {
      const v = k[el.AttributeName];
      const def = t.attributeDefinitions.find((d) => d.AttributeName === el.AttributeName)!;
      if (v === undefined) {
        throw validation(
          what === 'item'
            ? `One or more parameter values were invalid: Missing the key ${el.AttributeName} in the item`
            : 'The provided key element does not match the schema'
        );
      }
      checkValue(v, `key ${el.AttributeName}`);
      const type = Object.keys(v)[0];
      if (type !== def.AttributeType) {
        throw validation(
          what === 'item'
            ? `One or more parameter values were invalid: Type mismatch for key ${el.AttributeName} expected: ${def.AttributeType} actual: ${type}`
            : 'The provided key element does not match the schema'
        );
      }
      if ((type === 'S' || type === 'B') && String(v[type]) === '') {
        throw validation(
          `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${el.AttributeName}`
        );
      }
      parts.push(JSON.stringify(v));
    }
    if (what === 'key' && Object.keys(k).length !== t.keySchema.length)
      throw validation('The provided key element does not match the schema');
    return parts.join('|');
  };

  const returnValues = (operation: string, input: Record<string, any>): string => {
    const rv = input.ReturnValues ?? 'NONE';
    if (!RETURN_VALUES[operation].includes(rv))
      throw validation(`ReturnValues can only be ${RETURN_VALUES[operation].join(' or ')} for ${operation}`);
    return rv;
  };

  /** Parses the request's expressions, checks every placeholder is used, and returns the condition (if any). */
  const expressions = (
    input: Record<string, any>,
    update?: string
  ): { condition?: ReturnType<typeof parseCondition>; actions?: ReturnType<typeof parseUpdate> } => {
    const names = input.ExpressionAttributeNames as Record<string, string> | undefined;
    const values = input.ExpressionAttributeValues as Record<string, Record<string, unknown>> | undefined;
    const hasExpression = input.ConditionExpression !== undefined || update !== undefined;
    if (!hasExpression && names) throw validation('ExpressionAttributeNames can only be specified when using expressions');
    if (!hasExpression && values) throw validation('ExpressionAttributeValues can only be specified when using expressions');
    if (values && Object.keys(values).length === 0) throw validation('ExpressionAttributeValues must not be empty');
    if (names && Object.keys(names).length === 0) throw validation('ExpressionAttributeNames must not be empty');
    if (input.Expected !== undefined || input.AttributeUpdates !== undefined) {
      throw validation(
        'The legacy parameters Expected and AttributeUpdates are not modelled by the local ECS; use ConditionExpression and UpdateExpression'
      );
    }
    const ph = new Placeholders(names, values);
    const actions = update !== undefined ? parseUpdate(String(update), ph) : undefined;
    const condition = input.ConditionExpression !== undefined ? parseCondition(String(input.ConditionExpression), ph) : undefined;
    ph.checkAllUsed();
    return { condition, actions };
  };

  const checkCondition = (condition: ReturnType<typeof parseCondition> | undefined, item: Item | undefined): void => {
    if (condition && !evaluate(condition, item)) throw new ApiError('ConditionalCheckFailedException', 'The conditional request failed');
  };

  const handlers: Record<string, Handler> = {
    CreateTable: (input) => {
      const name = tableName(input);
      const keySchema = (input.KeySchema ?? []) as KeyElement[];
      const defs = (input.AttributeDefinitions ?? []) as { AttributeName: string; AttributeType: string }[];
      if (!Array.isArray(keySchema) || keySchema.length < 1 || keySchema.length > 2) {
        throw validation(
          `1 validation error detected: Value '${JSON.stringify(keySchema)}' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2 and greater than or equal to 1`
        );
      }
      if (keySchema[0]?.KeyType !== 'HASH' || (keySchema[1] && keySchema[1].KeyType !== 'RANGE')) {
        throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
      }
      for (const d of defs) {
        if (!['S', 'N', 'B'].includes(d.AttributeType)) {
          throw validation(
            `1 validation error detected: Value '${d.AttributeType}' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]`
          );
        }
      }
      const keyNames = keySchema.map((k) => k.AttributeName).sort();
      const defNames = defs.map((d) => d.AttributeName).sort();
      if (JSON.stringify(keyNames) !== JSON.stringify(defNames)) {
        throw validation(
          `One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`
        );
      }
      const billingMode = input.BillingMode ?? 'PROVISIONED';
      if (billingMode !== 'PAY_PER_REQUEST' && billingMode !== 'PROVISIONED') {
        throw validation(
          `1 validation error detected: Value '${billingMode}' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]`
        );
      }
      if (billingMode === 'PROVISIONED' && !input.ProvisionedThroughput) {
        throw validation(
          'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED'
        );
      }
      if (billingMode === 'PAY_PER_REQUEST' && input.ProvisionedThroughput) {
        throw validation(
          'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST'
        );
      }
      if (tables.has(name)) throw new ApiError('ResourceInUseException', `Table already exists: ${name}`);
      const now = deps.clock.now();
      const t: Table = {
        name,
        arn: `arn:aws:dynamodb:${deps.region}:${deps.accountId}:table/${name}`,
        // Derived from the ARN, not drawn: a run replays with its seed, and the models' random stream does not shift.
        id: tableId(`arn:aws:dynamodb:${deps.region}:${deps.accountId}:table/${name}`, now),
        status: 'CREATING',
        activeAt: now + TABLE_CREATION_MS,
        createdAt: now,
        keySchema: keySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
        attributeDefinitions: defs.map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType })),
        billingMode,
        ...(billingMode === 'PROVISIONED' ? { provisioned: input.ProvisionedThroughput } : {}),
        items: new Map()
      };
      tables.set(name, t);
      return { TableDescription: describe(t) };
    },

    DescribeTable: (input) => {
      const t = tables.get(tableName(input));
      if (!t) throw new ApiError('ResourceNotFoundException', `Requested resource not found: Table: ${input.TableName} not found`);
      return { Table: describe(t) };
    },

    DeleteTable: (input) => {
      const t = tables.get(tableName(input));
      if (!t) throw new ApiError('ResourceNotFoundException', `Requested resource not found: Table: ${input.TableName} not found`);
      if (t.status !== 'ACTIVE')
        throw new ApiError(
          'ResourceInUseException',
          `Attempt to change a resource which is still in use: Table is being created: ${t.name}`
        );
      tables.delete(t.name);
      return { TableDescription: describe(t, 'DELETING') };
    },

    PutItem: (input) => {
      const t = activeTable(input);
      const rv = returnValues('PutItem', input);
      const raw = input.Item;
      if (raw === null || typeof raw !== 'object')
        throw validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
      const item: Item = {};
      for (const [name, value] of Object.entries(raw as Item)) item[name] = checkValue(value, `item attribute ${name}`);
      const k = keyOf(t, item, 'item');
      const { condition } = expressions(input);
      const old = t.items.get(k);
      checkCondition(condition, old);
      t.items.set(k, item);
      return rv === 'ALL_OLD' && old ? { Attributes: old } : {};
    },

    GetItem: (input) => {
      const t = activeTable(input);
      if (input.ProjectionExpression !== undefined || input.AttributesToGet !== undefined) {
        throw validation('ProjectionExpression and AttributesToGet are not modelled by the local ECS');
      }
      if (input.ExpressionAttributeNames !== undefined)
        throw validation('ExpressionAttributeNames can only be specified when using expressions');
      const item = t.items.get(keyOf(t, input.Key, 'key'));
      return item ? { Item: item } : {};
    },

    UpdateItem: (input) => {
      const t = activeTable(input);
      const rv = returnValues('UpdateItem', input);
      const k = keyOf(t, input.Key, 'key');
      if (input.UpdateExpression === undefined) throw validation('The local ECS models UpdateItem with an UpdateExpression only');
      const { condition, actions } = expressions(input, String(input.UpdateExpression));
      const old = t.items.get(k);
      checkCondition(condition, old);
      // An update of a missing item creates it, with its key.
      const after = applyUpdate(
        actions!,
        old ?? { ...(input.Key as Item) },
        t.keySchema.map((e) => e.AttributeName)
      );
      t.items.set(k, after);
      const changed = (from: Item | undefined): Item =>
        Object.fromEntries(actions!.map((a) => [a.name, from?.[a.name]]).filter(([, v]) => v !== undefined));
      if (rv === 'ALL_OLD') return old ? { Attributes: old } : {};
      if (rv === 'ALL_NEW') return { Attributes: after };
      if (rv === 'UPDATED_OLD') return old ? { Attributes: changed(old) } : {};
      if (rv === 'UPDATED_NEW') return { Attributes: changed(after) };
      return {};
    },

    DeleteItem: (input) => {
      const t = activeTable(input);
      const rv = returnValues('DeleteItem', input);
      const k = keyOf(t, input.Key, 'key');
      const { condition } = expressions(input);
      const old = t.items.get(k);
      checkCondition(condition, old);
      t.items.delete(k);
      return rv === 'ALL_OLD' && old ? { Attributes: old } : {};
    }
  };

  return {
    handlers,
    tick(now) {
      for (const t of tables.values()) if (t.status === 'CREATING' && now >= t.activeAt) t.status = 'ACTIVE';
    },
    snapshot: () =>
      Object.fromEntries(
        [...tables.values()].map((t) => [t.name, { status: t.status, keySchema: t.keySchema, items: [...t.items.values()] }])
      )
  };
}

/** A UUID-shaped table id, the same for the same table created at the same simulated moment. */
function tableId(arn: string, createdAt: number): string {
  const h = createHash('sha256').update(`${arn}@${createdAt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
