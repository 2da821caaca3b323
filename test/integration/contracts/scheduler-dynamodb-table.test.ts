// The scheduler contract on the DynamoDB-table scheduler (dynalite) firing into SQS (fauxqs):
// the embedded stack's scheduler when DYNAMODB_ENDPOINT is set.
import { createLocalScheduler } from '../../../functions/adapters/dynamodb/local-scheduler';
import { createSqsDialQueue } from '../../../functions/adapters/sqs/sqs-dial-queue';
import { startTestTable } from '../../support/dynamo';
import { startTestQueue } from '../../support/fauxqs';
import { schedulerContract } from './scheduler.contract';
import { drainSqsJobs, refusingQueue } from './sqs-drain';

schedulerContract('DynamoDB-table scheduler into SQS', async () => {
  const table = await startTestTable();
  const sqs = await startTestQueue();
  const queue = createSqsDialQueue(sqs.client, sqs.queueUrl);
  const on = { client: table.client, tableName: table.tableName };
  return {
    scheduler: (o = {}) => createLocalScheduler({ ...on, queue, ...o }),
    refusing: () => createLocalScheduler({ ...on, queue: refusingQueue }),
    drain: () => drainSqsJobs(sqs.client, sqs.queueUrl),
    async stop() {
      await sqs.stop();
      table.client.destroy();
      await table.dynamo.stop();
    },
  };
});
