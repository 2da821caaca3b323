// The small interfaces core and handlers need from the outside world. Each adapter in
// functions/adapters implements one of these; tests and the local stack swap them.
import type { Agent, ApiKeyRecord, CallRecord, CallStatus, DialJob, HubSpotConnection } from './model';

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
}

/** Delivers a dial job at a time: SQS delay for the near future, a schedule after that. */
export interface AttemptDispatcher {
  dispatch(job: DialJob, at: Date, now: Date): Promise<void>;
  /** Same as `dispatch` for each item, with the near ones sent in as few requests as the queue allows. */
  dispatchMany(items: { job: DialJob; at: Date }[], now: Date): Promise<void>;
  cancel(job: DialJob): Promise<void>;
}

export interface DialQueue {
  send(job: DialJob, delaySeconds: number): Promise<void>;
  /** Resolves once every job is enqueued; throws when any could not be. */
  sendMany(items: { job: DialJob; delaySeconds: number }[]): Promise<void>;
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
  createCallEngagement(input: {
    contactId: string;
    timestamp: string;
    title: string;
    body: string;
    status: 'COMPLETED' | 'NO_ANSWER' | 'BUSY' | 'FAILED';
    toNumber?: string;
    durationMs?: number;
  }): Promise<void>;
}

export type HubSpotApiFactory = (accessToken: string) => HubSpotApi;

export interface PlaceCallRequest {
  callId: string;
  attempt: number;
  agentId: string;
  to: string;
  variables: Record<string, string>;
  statusCallbackUrl: string;
}

export interface CallOutcomeReport {
  callId: string;
  attempt: number;
  providerCallId?: string;
  outcome: import('./model').AttemptOutcome;
  durationSeconds?: number;
}

/** One voice back end. Adding a provider = one adapter file + one registry line. */
export interface VoiceProvider {
  readonly name: string;
  /** Throws VoiceProviderError (retryable or not) when the call could not be placed. */
  placeCall(request: PlaceCallRequest, config: Record<string, unknown>): Promise<{ providerCallId: string }>;
  /** Verifies and parses a status callback; undefined when the signature is wrong. */
  parseCallback(
    rawBody: string,
    headers: Record<string, string | undefined>,
    config: Record<string, unknown>,
  ): CallOutcomeReport | undefined;
}
