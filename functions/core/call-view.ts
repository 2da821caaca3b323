// A call as operators see it: GET /admin/calls/{id}, `hubdial calls show`, and the `call`
// of every operator notification. The contract fields first, then the explanation.
import type { Attempt, CallRecord } from './model';

export function callView(call: CallRecord) {
  return {
    id: call.id,
    agentId: call.agentId,
    portalId: call.portalId,
    contactId: call.contactId,
    to: call.to ?? null,
    variables: call.variables,
    missingVariables: call.missingVariables ?? [],
    status: call.status,
    reason: call.reason,
    attempts: call.attempts.map(attemptView),
    history: call.history,
    settings: call.settings,
    timezone: call.timezone,
    createdAt: call.createdAt,
    updatedAt: call.updatedAt,
    test: call.test === true,
  };
}

export type CallView = ReturnType<typeof callView>;

/** Everything the platform reported and the engagement id; the write-back's in-flight marker is internal. */
function attemptView(attempt: Attempt): Omit<Attempt, 'hubspotPostingAt'> {
  const { hubspotPostingAt: _internal, ...shown } = attempt;
  return shown;
}
