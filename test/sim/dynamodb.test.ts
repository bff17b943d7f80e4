/** The local ECS's DynamoDB through the real SDK v3 client: tables, conditional item writes, expressions and the errors AWS gives. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateItemCommand
} from '@aws-sdk/client-dynamodb';
import { startSim, type Sim } from '../../sim/server.js';
import { TABLE_CREATION_MS } from '../../sim/dynamodb/index.js';
import { rejection } from './helpers.js';

let sim: Sim;
let ddb: DynamoDBClient;

beforeEach(async () => {
  sim = await startSim({ timeScale: 0 });
  ddb = new DynamoDBClient({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDDDB', secretAccessKey: 'x' },
    maxAttempts: 1
  });
});
afterEach(async () => {
  ddb.destroy();
  await sim.close();
});

const TABLE = 'locks';
const createTable = () =>
  ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'LockKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'LockKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST'
    })
  );

async function activeTable(): Promise<void> {
  await createTable();
  sim.advance(TABLE_CREATION_MS);
}

const key = (k: string) => ({ LockKey: { S: k } });

describe('tables', () => {
  it('are CREATING, unusable for items, then ACTIVE a few simulated seconds later', async () => {
    const created = await createTable();
    expect(created.TableDescription).toMatchObject({
      TableName: TABLE,
      TableStatus: 'CREATING',
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/locks',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' }
    });
    const early = await rejection(ddb.send(new PutItemCommand({ TableName: TABLE, Item: key('a') })));
    expect(early).toBeInstanceOf(ResourceNotFoundException);
    sim.advance(TABLE_CREATION_MS);
    expect((await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus).toBe('ACTIVE');
  });

  it('answer ResourceInUseException to a second CreateTable and ResourceNotFoundException for an unknown name', async () => {
    await createTable();
    expect(await rejection(createTable())).toBeInstanceOf(ResourceInUseException);
    const missing = await rejection(ddb.send(new DescribeTableCommand({ TableName: 'nope' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toBe('Requested resource not found: Table: nope not found');
  });

  it('cannot be deleted while CREATING; once deleted, are gone', async () => {
    await createTable();
    expect(await rejection(ddb.send(new DeleteTableCommand({ TableName: TABLE })))).toBeInstanceOf(ResourceInUseException);
    sim.advance(TABLE_CREATION_MS);
    expect((await ddb.send(new DeleteTableCommand({ TableName: TABLE }))).TableDescription?.TableStatus).toBe('DELETING');
    expect(await rejection(ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('a') })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('conditional writes', () => {
  beforeEach(activeTable);

  const lockPut = (owner: string) =>
    ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key('svc'), Owner: { S: owner }, Version: { S: `v-${owner}` } },
        ConditionExpression: 'attribute_not_exists(LockKey) OR #Owner = :owner',
        ExpressionAttributeNames: { '#Owner': 'Owner' },
        ExpressionAttributeValues: { ':owner': { S: owner } }
      })
    );

  it('let the first writer in, the same owner again, and nobody else', async () => {
    await lockPut('a');
    await lockPut('a');
    const other = await rejection(lockPut('b'));
    expect(other).toBeInstanceOf(ConditionalCheckFailedException);
    expect(other.message).toBe('The conditional request failed');
    expect(other.$metadata?.httpStatusCode).toBe(400);
    const item = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('svc'), ConsistentRead: true }));
    expect(item.Item?.Owner).toEqual({ S: 'a' });
  });

  it('UpdateItem SET renews under a condition and returns ALL_NEW; DeleteItem returns ALL_OLD', async () => {
    await lockPut('a');
    const renewed = await ddb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key('svc'),
        UpdateExpression: 'SET #Version = :v',
        ConditionExpression: '#Owner = :owner',
        ExpressionAttributeNames: { '#Version': 'Version', '#Owner': 'Owner' },
        ExpressionAttributeValues: { ':v': { S: 'v2' }, ':owner': { S: 'a' } },
        ReturnValues: 'ALL_NEW'
      })
    );
    expect(renewed.Attributes).toEqual({ ...key('svc'), Owner: { S: 'a' }, Version: { S: 'v2' } });
    const wrongOwner = ddb.send(
      new DeleteItemCommand({
        TableName: TABLE,
        Key: key('svc'),
        ConditionExpression: '#Owner = :o',
        ExpressionAttributeNames: { '#Owner': 'Owner' },
        ExpressionAttributeValues: { ':o': { S: 'b' } }
      })
    );
    expect(await rejection(wrongOwner)).toBeInstanceOf(ConditionalCheckFailedException);
    const deleted = await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: key('svc'), ReturnValues: 'ALL_OLD' }));
    expect(deleted.Attributes?.Version).toEqual({ S: 'v2' });
    expect((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('svc') }))).Item).toBeUndefined();
  });

  it.each([
    ['NOT (#n = :a OR #n = :b)', { S: 'c' }, true],
    ['NOT (#n = :a OR #n = :b)', { S: 'a' }, false],
    ['#n <> :a AND #n <> :b AND attribute_exists(#n)', { S: 'c' }, true],
    ['#n > :a AND #n < :b', { S: 'ab' }, true],
    ['#n BETWEEN :a AND :b', { S: 'c' }, false],
    ['#n IN (:a, :b)', { S: 'b' }, true],
    ['begins_with(#n, :a) AND NOT begins_with(#n, :b)', { S: 'abc' }, true]
  ])('evaluates %s against %j: %s', async (expression, value, passes) => {
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('x'), N: value } }));
    const write = ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key('x'), N: { S: 'written' } },
        ConditionExpression: expression,
        ExpressionAttributeNames: { '#n': 'N' },
        ExpressionAttributeValues: { ':a': { S: 'a' }, ':b': { S: 'b' } }
      })
    );
    if (passes) await write;
    else expect(await rejection(write)).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('compares numbers as numbers, and a missing attribute is never equal', async () => {
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('n'), Lease: { N: '9' } } }));
    const cond = (expression: string) =>
      ddb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...key('n'), Lease: { N: '9' } },
          ConditionExpression: expression,
          ExpressionAttributeValues: { ':ten': { N: '10' } }
        })
      );
    await cond('Lease < :ten');
    expect(await rejection(cond('Missing = :ten'))).toBeInstanceOf(ConditionalCheckFailedException);
    await cond('Missing <> :ten');
  });
});

describe('validation', () => {
  beforeEach(activeTable);

  it.each([
    [
      { ConditionExpression: 'attribute_not_exists(LockKey)', ExpressionAttributeNames: { '#unused': 'X' } },
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}'
    ],
    [
      { ConditionExpression: '#Owner = :o', ExpressionAttributeValues: { ':o': { S: 'a' } } },
      'An expression attribute name used in the document path is not defined; attribute name: #Owner'
    ],
    [{ ConditionExpression: 'Colour = :o' }, 'An expression attribute value used in expression is not defined; attribute value: :o'],
    [
      { ConditionExpression: 'Colour = = :o', ExpressionAttributeValues: { ':o': { S: 'a' } } },
      'Invalid ConditionExpression: Syntax error; token: "="'
    ],
    [{ ExpressionAttributeValues: { ':o': { S: 'a' } } }, 'ExpressionAttributeValues can only be specified when using expressions']
  ])('rejects %j: %s', async (extra, message) => {
    const error = await rejection(ddb.send(new PutItemCommand({ TableName: TABLE, Item: key('v'), ...extra })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(message);
  });

  it('checks the item and the key against the key schema', async () => {
    const noKey = await rejection(ddb.send(new PutItemCommand({ TableName: TABLE, Item: { Other: { S: 'x' } } })));
    expect(noKey.message).toBe('One or more parameter values were invalid: Missing the key LockKey in the item');
    const wrongType = await rejection(ddb.send(new GetItemCommand({ TableName: TABLE, Key: { LockKey: { N: '1' } } })));
    expect(wrongType.message).toBe('The provided key element does not match the schema');
    const keyUpdate = await rejection(
      ddb.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('k'),
          UpdateExpression: 'SET LockKey = :v',
          ExpressionAttributeValues: { ':v': { S: 'x' } }
        })
      )
    );
    expect(keyUpdate.message).toContain('Cannot update attribute LockKey. This attribute is part of the key');
  });
});

describe('faults', () => {
  beforeEach(activeTable);

  it('throttles item calls as DynamoDB does, and the SDK sees a retryable throttle', async () => {
    sim.addFault({ kind: 'throttle', service: 'dynamodb', count: 1 });
    const error = await rejection(ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('a') })));
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    sim.addFault({ kind: 'error', service: 'dynamodb', count: 1 });
    const server = await rejection(ddb.send(new GetItemCommand({ TableName: TABLE, Key: key('a') })));
    expect(server.name).toBe('InternalServerError');
    expect(server.$metadata?.httpStatusCode).toBe(500);
    sim.addFault({ kind: 'deny', service: 'dynamodb', count: 1 });
    const denied = await rejection(ddb.send(new PutItemCommand({ TableName: TABLE, Item: key('a') })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/locks');
  });
});
