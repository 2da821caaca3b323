// Hands a stored change's follow-up tasks (write-back, notifications) to the queue. The
// caller awaits it before answering, so a queue that cannot take them fails the request
// and its sender (the voice platform) repeats it; the repeat hands them off again.
import { followUpTasks, notifyTask, repeatedDialJobTasks } from '../core/follow-ups';
import type { LifecycleSummary } from '../core/contact-lifecycle';
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

/**
 * The follow-ups of a delivery's deletions and merges: each change's, and call.finished
 * once more for each call an earlier delivery of the same event had ended (that try may
 * have died before its hand-off; receivers dedupe by eventId).
 */
export async function queueLifecycleFollowUps(
  deps: Pick<AppDeps, 'dispatcher'>,
  agents: Agent[],
  lifecycle: Pick<LifecycleSummary, 'followUps' | 'endedAlready'>,
): Promise<void> {
  const byId = new Map(agents.map((a) => [a.id, a]));
  const tasks = [
    ...lifecycle.followUps.flatMap(({ before, after }) => {
      const agent = byId.get(after.agentId);
      return agent ? followUpTasks(followUpSettings(agent, after), before, after) : [];
    }),
    ...lifecycle.endedAlready.flatMap((call) => (byId.get(call.agentId)?.notify ? [notifyTask(call.id, 'call.finished')] : [])),
  ];
  await dispatchFollowUps(deps, tasks);
}

/** A dial job that came back to an attempt it cannot change: its follow-ups again (core's repeatedDialJobTasks). */
export async function queueDialJobFollowUpsAgain(
  deps: Pick<AppDeps, 'dispatcher'>,
  agent: Agent | undefined,
  call: CallRecord,
  attempt: number,
): Promise<void> {
  if (agent) await dispatchFollowUps(deps, repeatedDialJobTasks(followUpSettings(agent, call), call, attempt));
}

/**
 * call.finished once more for a call already cancelled, when the operator asks again: the
 * first cancel may have died before its hand-off; receivers dedupe by eventId.
 */
export async function queueFinishedAgain(deps: Pick<AppDeps, 'dispatcher' | 'store'>, call: CallRecord): Promise<void> {
  const agent = await deps.store.getAgent(call.agentId);
  if (agent?.notify) await deps.dispatcher.dispatchTask(notifyTask(call.id, 'call.finished'), 0);
}
