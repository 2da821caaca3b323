import { Stack } from 'aws-cdk-lib';
import { QueryDefinition, QueryString, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WEBHOOK_PATH } from './service-api';

export interface LogQueriesProps {
  functionLogs: ILogGroup[];
  apiAccessLogs: ILogGroup;
}

/** Placeholder the operator replaces in the saved query before running it. */
export const CONTACT_PLACEHOLDER = 'REPLACE_WITH_CONTACT_ID';
export const CALL_PLACEHOLDER = 'REPLACE_WITH_CALL_ID';

/**
 * Saved CloudWatch Logs Insights queries, in a folder named after the stack. The call
 * record (`hubdial calls show ID`) is the first place to look; these answer the same
 * questions across many calls, or when a call was never stored.
 */
export class LogQueries extends Construct {
  readonly names: string[] = [];

  constructor(scope: Construct, id: string, props: LogQueriesProps) {
    super(scope, id);
    const folder = Stack.of(this).stackName;
    const query = (id: string, name: string, logGroups: ILogGroup[], queryString: QueryString) => {
      new QueryDefinition(this, id, { queryDefinitionName: `${folder}/${name}`, logGroups, queryString });
      this.names.push(`${folder}/${name}`);
    };

    query(
      'WhyContactNotCalled',
      'Why was contact X not called',
      props.functionLogs,
      new QueryString({
        fields: ['@timestamp', 'message', 'callId', 'attempt', 'agentId', 'portalId', 'status', 'reason', 'outcome', 'error'],
        filterStatements: [`contactId = "${CONTACT_PLACEHOLDER}"`],
        sort: '@timestamp asc',
        limit: 200,
      }),
    );
    query(
      'CallsByStatusToday',
      'Calls by status today',
      props.functionLogs,
      new QueryString({
        // Lines that carry callId, status and reason are the call state changes.
        filterStatements: ['ispresent(callId)', 'ispresent(status)', 'ispresent(reason)'],
        statsStatements: ['count(*) as calls by status, datefloor(@timestamp, 1d) as day'],
        sort: 'day desc',
      }),
    );
    query(
      'CallHistory',
      'Call history by call id',
      props.functionLogs,
      new QueryString({
        fields: ['@timestamp', 'message', 'attempt', 'status', 'reason', 'outcome', 'provider', 'providerCallId', 'error'],
        filterStatements: [`callId = "${CALL_PLACEHOLDER}"`],
        sort: '@timestamp asc',
        limit: 200,
      }),
    );
    query(
      'HubSpotErrors',
      'HubSpot errors',
      props.functionLogs,
      new QueryString({
        fields: ['@timestamp', 'message', 'hubspotError', 'status', 'policyName', 'correlationId', 'agentId', 'portalId'],
        filterStatements: ['ispresent(hubspotError)'],
        sort: '@timestamp desc',
        limit: 200,
      }),
    );
    query(
      'FailedWebhookDeliveries',
      'Failed webhook deliveries',
      [props.apiAccessLogs],
      new QueryString({
        fields: ['@timestamp', 'status', 'sourceIp', 'userAgent', 'responseLatency', 'integrationError', 'errorType', 'requestId'],
        filterStatements: [`routeKey = "POST ${WEBHOOK_PATH}"`, 'status >= 400'],
        sort: '@timestamp desc',
        limit: 200,
      }),
    );
  }
}
