// The small interfaces core and handlers need from the outside world. Each adapter in
// functions/adapters implements one of these; tests and the local stack swap them.
import type { BackfillJob } from './backfill';
import type { AttemptDetails } from './call-state';
import type {
  Agent,
  ApiKeyRecord,
  CallRecord,
  CallStatus,
  ContactTombstone,
  DialJob,
  DoNotCallEntry,
  HubSpotConnection,
  QueueTask,
  VoiceConfig,
  AttemptOutcome,
  Pacing,
  PacingState,
} from './model';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface CallQuery {
  agentId?: string;
  status?: CallStatus;
  limit: number;
  cursor?: string;
  /** Created at or after this ISO 8601 time. */
  from?: string;
  /** Created before this ISO 8601 time. */
  to?: string;
  /** Contact id or phone number (E.164), matched exactly. */
  q?: string;
}

export interface Store {
  putApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Deletes the key with this id (false when there is none): it stops authenticating at once. */
  deleteApiKey(workspaceId: string, id: string): Promise<boolean>;

  /** Creates or replaces; `mustExist` makes it a conditional update (false when absent). */
  putAgent(agent: Agent, opts?: { mustExist?: boolean }): Promise<boolean>;
  getAgent(id: string): Promise<Agent | undefined>;
  deleteAgent(id: string): Promise<boolean>;
  listAgents(workspaceId: string): Promise<Agent[]>;

  putHubSpotConnection(connection: HubSpotConnection): Promise<void>;
  getHubSpotConnection(workspaceId: string): Promise<HubSpotConnection | undefined>;

  /** Conditional put: 'exists' when a call with this id is already stored. */
  createCall(call: CallRecord): Promise<'created' | 'exists'>;
  getCall(id: string): Promise<CallRecord | undefined>;
  /** The stored calls among these ids (one BatchGetItem per 100 ids). */
  getCalls(ids: string[]): Promise<Map<string, CallRecord>>;
  /** Stores `call` only if the stored version is still `call.version - 1`. */
  updateCall(call: CallRecord): Promise<boolean>;
  listCalls(query: CallQuery): Promise<Page<CallRecord>>;
  /**
   * Calls in `status` due before `before`, oldest first (for the sweeper): a scheduled
   * call is due at its pending attempt's time, any other at its last update.
   */
  listStaleCalls(status: CallStatus, before: string, limit: number): Promise<CallRecord[]>;

  /** One agent's pacing bookkeeping (live-call leases, recent starts, waiting attempts). */
  getPacing(agentId: string): Promise<PacingState | undefined>;
  /** Stores `state` only if the stored version is still `state.version - 1` (absent for version 1). */
  putPacing(state: PacingState): Promise<boolean>;
  /**
   * A service-wide value stored once: `candidate` is kept when none is stored yet, else
   * the stored one wins and is returned (the callback signing key).
   */
  ensureServiceValue(name: string, candidate: string): Promise<string>;

  /** Conditional put: false when a job with this id is already stored. */
  createBackfillJob(job: BackfillJob): Promise<boolean>;
  getBackfillJob(id: string): Promise<BackfillJob | undefined>;
  /** Stores `job` only if the stored version is still `job.version - 1` (as updateCall). */
  updateBackfillJob(job: BackfillJob): Promise<boolean>;

  /**
   * Every stored call of one HubSpot contact in a workspace, whatever its agent or status
   * (for deletion, merge and privacy erasure). Finished calls whose data was erased
   * (`erasedAt` set) are included.
   */
  listCallsForContact(workspaceId: string, portalId: string, contactId: string): Promise<CallRecord[]>;
  /** Remembers a deletion; an `erased` tombstone is never downgraded to `deleted`. */
  putContactTombstone(tombstone: ContactTombstone): Promise<void>;
  /** The tombstones among these contacts (by contact id). */
  getContactTombstones(workspaceId: string, portalId: string, contactIds: string[]): Promise<Map<string, ContactTombstone>>;

  /** Adds numbers not yet listed (a listed one keeps its entry); returns how many were new. */
  addDoNotCall(workspaceId: string, entries: DoNotCallEntry[]): Promise<number>;
  /** The list in number order. */
  listDoNotCall(workspaceId: string, query: { limit: number; cursor?: string }): Promise<Page<DoNotCallEntry>>;
  /** false when the number was not listed. */
  removeDoNotCall(workspaceId: string, number: string): Promise<boolean>;
  /** The entries among these E.164 numbers (by number). */
  getDoNotCall(workspaceId: string, numbers: string[]): Promise<Map<string, DoNotCallEntry>>;
}

/** One page of HubSpot's contact search, with the properties asked for. */
export interface ContactSearchPage {
  /** How many contacts the whole search matches (HubSpot pages at most 10,000 of them). */
  total: number;
  results: { id: string; properties: ContactProperties }[];
  /** The `after` of the next page; absent on the last one. */
  nextAfter?: string;
}

/** Delivers a dial job at a time: SQS delay for the near future, a schedule after that. */
export interface AttemptDispatcher {
  dispatch(job: DialJob, at: Date, now: Date): Promise<void>;
  /** Same as `dispatch` for each item, with the near ones sent in as few requests as the queue allows. */
  dispatchMany(items: { job: DialJob; at: Date }[], now: Date): Promise<void>;
  cancel(job: DialJob): Promise<void>;
  /** Queues a task (not a dial) to run after `delaySeconds` (at most the queue's 15-minute delay). */
  dispatchTask(task: QueueTask, delaySeconds: number): Promise<void>;
}

export interface DialQueue {
  send(job: DialJob, delaySeconds: number): Promise<void>;
  /** Resolves once every job is enqueued; throws when any could not be. */
  sendMany(items: { job: DialJob; delaySeconds: number }[]): Promise<void>;
  sendTask(task: QueueTask, delaySeconds: number): Promise<void>;
}

export interface AttemptScheduler {
  /** Idempotent: a schedule that already exists for the job counts as scheduled. */
  schedule(job: DialJob, at: Date, timezone: string, now: Date): Promise<void>;
  /** Removes the pending schedule; a missing one is not an error. */
  cancel(job: DialJob): Promise<void>;
}

export type ContactProperties = Record<string, string | null>;

/** HubSpot, seen through one portal's private-app token. */
export interface HubSpotApi {
  getAccountDetails(): Promise<{ portalId: string; timeZone?: string }>;
  /** Throws HubSpotError kind "missing-scopes" when the token cannot read contacts. */
  checkContactsAccess(): Promise<void>;
  /** One batch read (<= 100 ids). Contacts HubSpot does not return are absent from the map. */
  batchReadContacts(ids: string[], properties: string[]): Promise<Map<string, ContactProperties>>;
  getContact(id: string, properties: string[]): Promise<ContactProperties | undefined>;
  /** One page of contacts created in [since, until), oldest first (POST /crm/v3/objects/contacts/search). */
  searchContactsCreated(
    range: { since: string; until: string },
    properties: string[],
    opts: { after?: string; limit: number },
  ): Promise<ContactSearchPage>;
  /** POST /crm/v3/objects/calls with the contact association inline; resolves with the engagement id. */
  createCallEngagement(input: CallEngagementInput): Promise<{ id: string }>;
  /** PATCH /crm/v3/objects/calls/{id}: what was learned after the engagement was written. */
  updateCallEngagement(id: string, input: Omit<CallEngagementInput, 'contactId'>): Promise<void>;
  /**
   * The id of a call engagement on the contact with this title and timestamp, if there is
   * one (POST /crm/v3/objects/calls/search): a POST whose reply was lost left it there.
   */
  findCallEngagement(contactId: string, match: { title: string; timestamp: string }): Promise<string | undefined>;
}

export interface CallEngagementInput {
  contactId: string;
  timestamp: string;
  title: string;
  body: string;
  status: 'COMPLETED' | 'NO_ANSWER' | 'BUSY' | 'FAILED';
  /** HubSpot's call outcome (hs_call_disposition) id. */
  disposition?: string;
  toNumber?: string;
  durationMs?: number;
  /** https only; HubSpot plays it from the timeline. */
  recordingUrl?: string;
}

/** The operator's notification endpoint. Throws NotifyError (adapters/notify) when not delivered. */
export interface Notifier {
  deliver(target: { url: string; secret: string }, body: string): Promise<void>;
}

export type HubSpotApiFactory = (accessToken: string) => HubSpotApi;

export interface PlaceCallRequest {
  callId: string;
  attempt: number;
  agentId: string;
  to: string;
  variables: Record<string, string>;
  /** Where this attempt's outcome is posted (platforms that take a per-call URL). */
  statusCallbackUrl: string;
}

export type VoiceConfigResult = { ok: true; value: VoiceConfig } | { ok: false; error: { parameter: string; message: string } };

/** A status callback as it arrived: the raw body, lower-cased header names, the URL query. */
export interface CallbackInput {
  rawBody: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string>;
}

/** Tokens signed with the service-level callback key (never with a secret an operator rotates). */
export interface CallbackTokens {
  attemptTokenValid(job: DialJob, token: string | undefined): boolean;
  agentTokenValid(agentId: string, token: string | undefined): boolean;
}

export interface CallbackCheck {
  /** The agent's stored voice settings. */
  config: Record<string, unknown>;
  agentId: string;
  job: DialJob;
  tokens: CallbackTokens;
  now: Date;
}

/** What the platform heard, kept on the attempt. */
export type CallDetails = AttemptDetails;

export type CallbackEvent =
  /** The call ended: settles the attempt. */
  | ({ kind: 'outcome'; outcome: AttemptOutcome } & CallDetails)
  /** More about an attempt already settled (Retell's call_analyzed). */
  | ({ kind: 'details' } & CallDetails)
  /** Verified, but nothing to record (call_started, an event type we do not use). */
  | { kind: 'progress'; event: string };

/** Kept for callers of the http contract's parsed report. */
export interface CallOutcomeReport extends CallDetails {
  callId: string;
  attempt: number;
  outcome: AttemptOutcome;
}

/**
 * One voice platform. Adding one = one adapter file exporting one of these + one
 * registry line: it validates its settings, places calls in the platform's own shape,
 * and reads the platform's callbacks (which call, is it genuine, what happened).
 */
export interface VoiceProvider {
  readonly name: string;
  /** Settings never shown back by the admin API and never logged. */
  readonly secretSettings: readonly string[];
  /** The platform's usual account limits, used when the agent sets no `pacing`. */
  readonly pacingDefaults: Pacing;
  /**
   * "per-call": the platform takes hubdial's statusCallbackUrl with each call;
   * "per-agent": the operator pastes one URL with a per-agent token into the platform;
   * "fixed": the operator pastes the bare URL, the platform signs each callback itself.
   * Either pasted URL is shown as voice.webhookUrl.
   */
  readonly callbackUrl: 'per-call' | 'per-agent' | 'fixed';
  /** Validates `voice` from the admin body (provider already known) and fills defaults. */
  parseConfig(input: Record<string, unknown>): VoiceConfigResult;
  /** Throws VoiceProviderError (see its `kind`) when the call was not placed for certain. */
  placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }>;
  /** Which call and attempt a callback is about, from the URL, headers or body; not yet trusted. */
  identify(input: CallbackInput): DialJob | undefined;
  /** The platform's own proof that it sent this callback for this agent's call. */
  verify(input: CallbackInput, check: CallbackCheck): boolean;
  /** What a verified callback says; undefined when its body is not one this platform sends. */
  parse(input: CallbackInput, job: DialJob): CallbackEvent | undefined;
}

/**
 * The voice settings an operator gives an agent, as the admin API needs them: checked by
 * the provider they name, and shown back without secrets. The registered providers live
 * with the adapters; the composition root hands this to the admin handler.
 */
export interface VoiceSettings {
  /** Checks `voice` from the admin agent body; the value is what gets stored. */
  validate(input: unknown): { ok: true; value: VoiceConfig } | { ok: false; error: { parameter: string; message: string } };
  /** For responses: secrets become "***", URLs lose query string and credentials. */
  redact(config: VoiceConfig): VoiceConfig;
}
