// The records hubdial keeps. Times are ISO 8601 UTC strings so a record reads the same
// in DynamoDB, in an admin response and in a log line.

export const CALL_STATUSES = ['scheduled', 'dialing', 'completed', 'failed', 'skipped', 'cancelled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const TERMINAL_STATUSES: readonly CallStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];

/** The one list of attempt outcomes: the http contract's words, and what every platform's reason maps to. */
export const ATTEMPT_OUTCOMES = ['completed', 'no-answer', 'busy', 'failed', 'voicemail'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Resolved call settings: query parameters over agent defaults over service defaults. */
export interface CallSettings {
  /** HH:MM 24 h, both present or both absent (absent = any time). */
  window?: { min: string; max: string };
  carryOver: boolean;
  numOfRetries: number;
  /** Hours between attempts; the last gap repeats when the list is shorter. */
  gapHours: number[];
  /** ISO weekdays (1 = Monday .. 7 = Sunday) calls may start on, in the call's zone; absent = every day. */
  callDays?: number[];
}

export interface Attempt {
  number: number; // 1-based
  scheduledAt: string;
  startedAt?: string;
  endedAt?: string;
  outcome?: AttemptOutcome;
  reason?: string;
  providerCallId?: string;
  durationSeconds?: number;
  /** Times the voice provider refused this attempt for now (429, connection refused) and it was sent again. */
  dialErrors?: number;
  /** The platform's own word for how the call ended (Retell disconnection_reason, Vapi endedReason, ...). */
  providerReason?: string;
  summary?: string;
  /** Bounded (see core/call-state.ts); a cut one ends with a marker. */
  transcript?: string;
  recordingUrl?: string;
  /** Set while the attempt waits for a pacing slot or start (never counted as a try). */
  waiting?: { since: string; reason: string };
  /** The HubSpot Call engagement written for this attempt: later details PATCH it, never POST again. */
  hubspotCallId?: string;
  /** Set while a write-back POSTs the engagement, so a concurrent one waits instead of POSTing twice. */
  hubspotPostingAt?: string;
}

export interface CallHistoryEntry {
  at: string;
  status: CallStatus;
  reason: string;
}

export interface CallRecord {
  id: string;
  workspaceId: string;
  agentId: string;
  portalId: string;
  contactId: string;
  /** E.164, absent when the contact has no usable phone. */
  to?: string;
  variables: Record<string, string>;
  /** Mapped variables whose HubSpot field was empty on the contact (shown to operators). */
  missingVariables?: string[];
  status: CallStatus;
  reason: string;
  settings: CallSettings;
  timezone: string;
  attempts: Attempt[];
  history: CallHistoryEntry[];
  createdAt: string;
  updatedAt: string;
  /** Optimistic-concurrency counter: every stored change bumps it by one. */
  version: number;
  /** A test call placed by an operator (no HubSpot contact): never written back to HubSpot. */
  test?: boolean;
  /** When the personal data was erased (privacy deletion or retention); ids, status and history stay. */
  erasedAt?: string;
  /** Set while an attempt is ringing when the contact went away: that attempt's end gets no retry. */
  noRetryReason?: string;
}

export interface VariableMapping {
  name: string;
  source: 'hubspot';
  field: string;
}

export interface VoiceConfig {
  provider: string;
  [setting: string]: unknown;
}

export interface CallDefaults {
  min_trigger_time?: string;
  max_trigger_time?: string;
  carry_over?: boolean;
  num_of_retries?: number;
  gap_between_retries?: number[];
  /** As the webhook's `call_days`: "mon-fri", "mon,wed,fri". */
  call_days?: string;
}

export interface Agent {
  id: string;
  workspaceId: string;
  name: string;
  timezone: string;
  defaultCountry?: string;
  variables: VariableMapping[];
  callDefaults?: CallDefaults;
  voice: VoiceConfig;
  /** Use the contact's HubSpot time zone (hs_timezone) for its window, when it has one. */
  useContactTimezone?: boolean;
  /** Log each settled attempt on the HubSpot contact as a Call engagement. */
  writeBackToHubSpot?: boolean;
  /** A HubSpot contact property (e.g. a checkbox) whose value true/yes/1 means "do not call". */
  doNotCallProperty?: string;
  /** Limits on this agent's calls at its voice platform; absent parts take the provider's defaults. */
  pacing?: Pacing;
  /** The operator's endpoint for signed attempt.settled / call.finished events. */
  notify?: NotifyTarget;
  createdAt: string;
  updatedAt: string;
}

export interface NotifyTarget {
  url: string;
  /** Signs each event body (X-Hubdial-Signature); never shown back. */
  secret: string;
}

export interface Pacing {
  /** Calls handed to the platform and not yet settled. */
  maxLiveCalls?: number;
  /** Create-call requests in any sliding second. */
  callsPerSecond?: number;
}

/**
 * One agent's pacing bookkeeping: a lease per live attempt ("<callId>#<attempt>" -> when
 * it was taken), recent start times (epoch ms) and attempts waiting for a free slot.
 */
export interface PacingState {
  agentId: string;
  leases: Record<string, string>;
  starts: number[];
  waiting: string[];
  /** Optimistic-concurrency counter, as on calls: 1 for the first stored version. */
  version: number;
}

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  name: string;
  /** SHA-256 hex of the key; the key itself is never stored. */
  keyHash: string;
  createdAt: string;
}

export interface HubSpotConnection {
  workspaceId: string;
  portalId: string;
  accessToken: string;
  clientSecret?: string;
  timeZone?: string;
  status: 'connected';
  connectedAt: string;
}

/** One dial job: the unit the scheduler and the dial queue carry. */
export interface DialJob {
  callId: string;
  attempt: number;
}

/**
 * Work other than a dial that rides the same queue (HubSpot write-back, operator
 * notifications, backfill pages): `kind` picks the handler in functions/handlers/tasks.ts,
 * the other fields are that kind's own. Retried by the queue until it succeeds or
 * dead-letters, so a task handler must be idempotent.
 */
export interface QueueTask {
  kind: string;
  [field: string]: unknown;
}

export const DEFAULT_WORKSPACE = 'default';

/** A contact HubSpot deleted, remembered so a creation event arriving late does not ring. */
export interface ContactTombstone {
  workspaceId: string;
  portalId: string;
  contactId: string;
  /** `erased`: a privacy deletion (GDPR); `deleted`: an ordinary deletion. */
  kind: 'deleted' | 'erased';
  at: string;
}

/** A number the workspace must never dial. */
export interface DoNotCallEntry {
  number: string; // E.164
  reason?: string;
  addedAt: string;
}
