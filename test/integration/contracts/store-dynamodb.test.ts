// The Store contract on DynamoDB (dynalite), each store on a table of its own.
import { randomUUID } from 'node:crypto';
import { createDynamoStore } from '../../../functions/adapters/dynamodb/dynamo-store';
import { ensureTable } from '../../../local/dynalite';
import { startTestTable } from '../../support/dynamo';
import { storeContract } from './store.contract';

storeContract('DynamoDB store', async () => {
  const t = await startTestTable();
  let last = t.tableName;
  return {
    async fresh() {
      last = `hubdial-test-${randomUUID().slice(0, 8)}`;
      await ensureTable(t.client, last);
      return createDynamoStore(t.client, last);
    },
    async reopen() {
      return createDynamoStore(t.client, last);
    },
    async stop() {
      t.client.destroy();
      await t.dynamo.stop();
    },
  };
});
