// Hands a stored change's follow-up tasks (write-back, notifications) to the queue. The
// caller awaits it before answering, so a queue that cannot take them fails the request
// and its sender (the voice platform) repeats it; the repeat hands them off again.
import { followUpTasks } from '../core/follow-ups';
import type { Agent, CallRecord, QueueTask } from '../core/model';
import type { AppDeps } from '../commons/deps';

export async function dispatchFollowUps(deps: Pick<AppDeps, 'dispatcher'>, tasks: QueueTask[]): Promise<void> {
  await Promise.all(tasks.map((task) => deps.dispatcher.dispatchTask(task, 0)));
}

/** A test call has no HubSpot contact to log it on; its events still go to the operator. */
export function followUpSettings(agent: Agent, call: CallRecord): Pick<Agent, 'writeBackToHubSpot' | 'notify'> {
  return { writeBackToHubSpot: agent.writeBackToHubSpot === true && !call.test, notify: agent.notify };
}

/** The follow-ups of the change from `before` to `after`, for callers that have not read the agent. */
export async function queueFollowUps(
  deps: Pick<AppDeps, 'dispatcher' | 'store'>,
  before: CallRecord | undefined,
  after: CallRecord,
): Promise<void> {
  const agent = await deps.store.getAgent(after.agentId);
  if (!agent || (!agent.writeBackToHubSpot && !agent.notify)) return;
  await dispatchFollowUps(deps, followUpTasks(followUpSettings(agent, after), before, after));
}
