import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DialQueuesProps {
  /** The dial function's timeout: the queue hides a message for six times as long. */
  dialTimeout: Duration;
}

/** Redeliveries before a dial job is parked in the dead-letter queue. */
export const DIAL_MAX_RECEIVE_COUNT = 5;

const secure = { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED } as const;

/**
 * The dial queue (every attempt ends up here, from the API or from a schedule), its
 * dead-letter queue, and the dead-letter queue of the scheduler's targets.
 */
export class DialQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly schedulerDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DialQueuesProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DialDeadLetterQueue', { ...secure, retentionPeriod: Duration.days(14) });
    this.queue = new Queue(this, 'DialQueue', {
      ...secure,
      // AWS's guidance for Lambda event sources: at least six times the function timeout,
      // so a message is not handed to a second invocation while the first still works on it.
      visibilityTimeout: Duration.seconds(props.dialTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DIAL_MAX_RECEIVE_COUNT },
    });
    this.schedulerDeadLetterQueue = new Queue(this, 'SchedulerDeadLetterQueue', { ...secure, retentionPeriod: Duration.days(14) });
  }
}
