import { CreateScheduleCommand, DeleteScheduleCommand, UpdateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { DateTime } from 'luxon';
import { scheduleName } from '../../core/dispatch-rule';
import type { DialJob } from '../../core/model';
import type { AttemptScheduler } from '../../core/ports';
import { serializeDialJob } from '../../core/dial-job';

// Attempts due later than SQS can delay become one-time EventBridge schedules whose
// target is the dial queue itself, so both paths end in the same SQS message.

export interface EventBridgeSchedulerConfig {
  groupName: string;
  /** Role EventBridge Scheduler assumes to SendMessage to the dial queue. */
  roleArn: string;
  queueArn: string;
  /** Where Scheduler puts the job when it cannot deliver it after its retries. */
  deadLetterArn: string;
}

/**
 * EventBridge Scheduler refuses an at() time in the past, and one a few seconds ahead can
 * be in the past by the time AWS validates it (clock skew, retries). The dial handler
 * re-checks the call window, so a job clamped to a minute from now is safe; a rejected
 * CreateSchedule would lose it.
 */
export const MIN_SCHEDULE_LEAD_SECONDS = 60;

export const SCHEDULER_RETRY_POLICY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 } as const;

export function createEventBridgeScheduler(client: SchedulerClient, cfg: EventBridgeSchedulerConfig): AttemptScheduler {
  return {
    async schedule(job, at, timezone, now) {
      const when = scheduleExpression(fireTime(at, now), timezone);
      const input = {
        Name: scheduleName(job),
        GroupName: cfg.groupName,
        Description: `hubdial call ${job.callId} attempt ${job.attempt}`,
        ScheduleExpression: when.expression,
        ScheduleExpressionTimezone: when.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' as const },
        ActionAfterCompletion: 'DELETE' as const,
        State: 'ENABLED' as const,
        Target: {
          Arn: cfg.queueArn,
          RoleArn: cfg.roleArn,
          Input: serializeDialJob(job),
          DeadLetterConfig: { Arn: cfg.deadLetterArn },
          RetryPolicy: { ...SCHEDULER_RETRY_POLICY },
        },
      };
      // A schedule with this name already exists: either a duplicate request (same time),
      // or the job was moved to a new time while the fired schedule had not been deleted
      // yet (the dial handler re-dispatches the same attempt when it lands outside the
      // window). Updating covers both; skipping would lose the job in the second case.
      // If the old schedule is deleted between the two calls, creating again settles it.
      for (let tries = 0; ; tries++) {
        try {
          await client.send(new CreateScheduleCommand(input));
          return;
        } catch (err) {
          if (errorName(err) !== 'ConflictException' || tries >= 2) throw err;
        }
        try {
          await client.send(new UpdateScheduleCommand(input));
          return;
        } catch (err) {
          if (errorName(err) !== 'ResourceNotFoundException') throw err;
        }
      }
    },

    async cancel(job: DialJob) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: scheduleName(job), GroupName: cfg.groupName }));
      } catch (err) {
        if (errorName(err) !== 'ResourceNotFoundException') throw err;
      }
    },
  };
}

/** Whole seconds (rounded up, never early), at least MIN_SCHEDULE_LEAD_SECONDS after now. */
export function fireTime(at: Date, now: Date): Date {
  const earliest = now.getTime() + MIN_SCHEDULE_LEAD_SECONDS * 1000;
  return new Date(Math.ceil(Math.max(at.getTime(), earliest) / 1000) * 1000);
}

const AT_FORMAT = "yyyy-LL-dd'T'HH:mm:ss";

/**
 * `at(...)` in local wall time of `timezone`. When DST makes that wall time happen twice
 * (the hour the clocks go back) the expression would be ambiguous, so that instant is
 * written in UTC instead: the instant is what matters, not how it reads.
 */
export function scheduleExpression(at: Date, timezone: string): { expression: string; timezone: string } {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  if (!local.isValid) throw new Error(`invalid time zone "${timezone}"`);
  const wall = local.toFormat(AT_FORMAT);
  if (timezone !== 'UTC' && wallTimeIsAmbiguous(at, timezone, wall)) return scheduleExpression(at, 'UTC');
  return { expression: `at(${wall})`, timezone };
}

function wallTimeIsAmbiguous(at: Date, timezone: string, wall: string): boolean {
  const wallAsUtcMs = DateTime.fromFormat(wall, AT_FORMAT, { zone: 'UTC' }).toMillis();
  const day = 86_400_000;
  const offsets = new Set([-day, 0, day].map((d) => DateTime.fromMillis(at.getTime() + d, { zone: timezone }).offset));
  const instants = [...offsets].map((offsetMinutes) => wallAsUtcMs - offsetMinutes * 60_000);
  return instants.filter((ms) => DateTime.fromMillis(ms, { zone: timezone }).toFormat(AT_FORMAT) === wall).length > 1;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}
