// What the admin API answers, route by route: the typed reply views the admin handler
// produces and the CLI and the console read, so a field is declared once. Field names are
// the contract (docs/architecture.md): extend them, never rename. Secrets never appear in
// a view: voice settings arrive here already redacted, access tokens and key hashes not at
// all. Only model and outcome-stats types are imported, so the console's bundle and type
// check take nothing else of the server.
import type { AdminRouteName } from './admin-contract';
import type {
  Agent,
  Attempt,
  CallHistoryEntry,
  CallRecord,
  CallSettings,
  CallStatus,
  DoNotCallEntry,
  HubSpotConnection,
  VoiceConfig,
} from './model';
import type { OutcomeStats } from './outcome-stats';

/** A list the API pages through: pass `nextCursor` back unchanged for the next page; null on the last. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A list small enough to come whole. */
export interface Items<T> {
  items: T[];
}

/** Every non-2xx reply: a machine code, words for the operator, and the offending field when there is one. */
export interface ErrorView {
  error: string;
  message: string;
  parameter?: string;
  /** HubSpot's missing scopes, when connecting failed for one. */
  requiredScopes?: string[];
}

export interface ApiKeyView {
  id: string;
  name: string;
  createdAt: string;
}

/** The one reply that carries the key itself. */
export interface ApiKeyCreatedView extends ApiKeyView {
  key: string;
}

export interface HubSpotConnectionView {
  portalId: string;
  status: string;
  connectedAt: string;
  timeZone: string | null;
  /** A client secret is stored, so webhook signatures are checked. */
  signatureVerification: boolean;
}

/** An agent's voice settings without their secrets, plus the URL to paste into the platform. */
export type AgentVoiceView = VoiceConfig & { webhookUrl: string };

export interface AgentView extends Omit<Agent, 'voice' | 'pacing'> {
  voice: AgentVoiceView;
  /** The pacing in effect (the platform's defaults filled in); null: unlimited. */
  pacing: { maxLiveCalls: number | null; callsPerSecond: number | null };
  /** In listings: the HubSpot webhook URL, the key as a placeholder. */
  webhookUrl?: string;
  /** Where events go: the URL without its query, the secret as a placeholder. */
  notify?: { url: string; secret: string };
}

/** An agent in GET /admin/agents: always with its HubSpot webhook URL. */
export type ListedAgentView = AgentView & { webhookUrl: string };

/** Everything the platform reported and the engagement id; the write-back's in-flight marker is internal. */
export type AttemptView = Omit<Attempt, 'hubspotPostingAt'>;
export type HistoryView = CallHistoryEntry;

/** A call in listings and on its own: the contract fields first, then the explanation an operator reads. */
export interface CallView {
  id: string;
  agentId: string;
  portalId: string;
  contactId: string;
  to: string | null;
  variables: Record<string, string>;
  missingVariables: string[];
  status: CallStatus;
  reason: string;
  attempts: AttemptView[];
  history: HistoryView[];
  settings: CallSettings;
  timezone: string;
  createdAt: string;
  updatedAt: string;
  test: boolean;
}

/** One call (GET /admin/calls/{id}, cancel): today the same fields as in listings. */
export type CallDetailView = CallView;

/** A call created by hand (or the contact's existing one). */
export interface CallCreatedView {
  callId: string;
  status: CallStatus;
  reason: string;
}

export interface TestCallView extends CallCreatedView {
  test: true;
}

export interface BackfillStartedView {
  id: string;
  status: BackfillView['status'];
  since: string;
  until: string;
}

/** A backfill's progress (core/backfill.ts backfillView); `done` once every page went through intake. */
export interface BackfillView {
  id: string;
  status: 'running' | 'done' | 'failed';
  found: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  error?: string;
  agentId: string;
  since: string;
  until: string;
  total: number | null;
  pages: number;
  createdAt: string;
  updatedAt: string;
}

export type DoNotCallView = DoNotCallEntry;

export interface DoNotCallAddedView {
  added: number;
  invalid: { number: string; reason: string }[];
}

export type OutcomesView = OutcomeStats;

/** The body of each route's success reply (`undefined`: 204, no body). */
export interface AdminReplies {
  createApiKey: ApiKeyCreatedView;
  listApiKeys: Items<ApiKeyView>;
  revokeApiKey: undefined;
  createAgent: AgentView;
  listAgents: Items<ListedAgentView>;
  getAgent: AgentView;
  replaceAgent: AgentView;
  deleteAgent: undefined;
  connectHubSpot: HubSpotConnectionView;
  getHubSpotConnection: HubSpotConnectionView;
  listCalls: Page<CallView>;
  getCall: CallDetailView;
  cancelCall: CallDetailView;
  outcomeStats: OutcomesView;
  testCall: TestCallView;
  createCall: CallCreatedView;
  startBackfill: BackfillStartedView;
  getBackfill: BackfillView;
  addDoNotCall: DoNotCallAddedView;
  listDoNotCall: Page<DoNotCallView>;
  removeDoNotCall: undefined;
}
// Every route has a reply view, and every view a route.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _everyRouteHasAView: Exact<keyof AdminReplies, AdminRouteName> = true;
void _everyRouteHasAView;

export function apiKeyView(key: { id: string; name: string; createdAt: string }): ApiKeyView {
  return { id: key.id, name: key.name, createdAt: key.createdAt };
}

export function connectionView(c: Omit<HubSpotConnection, 'workspaceId' | 'accessToken'>): HubSpotConnectionView {
  return {
    portalId: c.portalId,
    status: c.status,
    connectedAt: c.connectedAt,
    timeZone: c.timeZone ?? null,
    signatureVerification: Boolean(c.clientSecret),
  };
}

export function callView(call: CallRecord): CallView {
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

function attemptView(attempt: Attempt): AttemptView {
  const { hubspotPostingAt: _internal, ...shown } = attempt;
  return shown;
}

export function callCreatedView(call: Pick<CallRecord, 'id' | 'status' | 'reason'>): CallCreatedView {
  return { callId: call.id, status: call.status, reason: call.reason };
}

export function pageView<T, V>(page: { items: T[]; nextCursor?: string | null }, view: (item: T) => V): Page<V> {
  return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
}
