import type { Node } from 'constructs';

// Everything an operator may tune, read from CDK context (cdk.json, or `-c key=value`).
// Defaults live here so a key left out of cdk.json still deploys a working service, and
// every value is checked before anything is built: a typo fails `cdk synth`, not a call.
//
// | context key                   | default | meaning                                                      |
// | ----------------------------- | ------- | ------------------------------------------------------------ |
// | hubdial:maxConcurrentCalls    | 10      | calls placed at once (dial event source maxConcurrency, 2-1000) |
// | hubdial:alarmEmail            | ""      | e-mail subscribed to the alarm topic (none when empty)        |
// | hubdial:logRetentionDays      | 30      | retention of every log group (a CloudWatch Logs retention value) |
// | hubdial:logLevel              | INFO    | application log level: DEBUG, INFO, WARN or ERROR              |
// | hubdial:throttleRateLimit     | 50      | API stage steady-state requests per second                     |
// | hubdial:throttleBurstLimit    | 100     | API stage burst                                                |
// | hubdial:hubspotBaseUrl        | ""      | HubSpot API base URL (HubSpot's own API when empty)            |
// | hubdial:metricNamespace       | hubdial | CloudWatch namespace of the service's log-derived metrics      |
// | retentionDays                 | (keep)  | days after which finished calls lose their personal data (1-3650) |

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface HubdialConfig {
  maxConcurrentCalls: number;
  alarmEmail?: string;
  logRetentionDays: number;
  logLevel: LogLevel;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  hubspotBaseUrl?: string;
  metricNamespace: string;
  /** Finished calls lose their personal data after this many days; absent = kept. */
  retentionDays?: number;
}

export const CONTEXT_DEFAULTS = {
  'hubdial:maxConcurrentCalls': 10,
  'hubdial:alarmEmail': '',
  'hubdial:logRetentionDays': 30,
  'hubdial:logLevel': 'INFO',
  'hubdial:throttleRateLimit': 50,
  'hubdial:throttleBurstLimit': 100,
  'hubdial:hubspotBaseUrl': '',
  'hubdial:metricNamespace': 'hubdial',
} as const;

type ContextKey = keyof typeof CONTEXT_DEFAULTS;

/** The values CloudWatch Logs accepts for retentionInDays. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const LOG_LEVELS: LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

export class ConfigError extends Error {
  constructor(key: ContextKey, problem: string) {
    super(`context ${key}: ${problem} (set it in cdk.json "context" or with -c ${key}=...)`);
    this.name = 'ConfigError';
  }
}

export function readConfig(node: Node): HubdialConfig {
  const raw = (key: ContextKey): unknown => node.tryGetContext(key) ?? CONTEXT_DEFAULTS[key];
  const int = (key: ContextKey, min: number, max: number): number => {
    const value = Number(raw(key));
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ConfigError(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw(key))}`);
    return value;
  };
  const text = (key: ContextKey): string => {
    const value = raw(key);
    if (typeof value !== 'string') throw new ConfigError(key, `must be a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };

  const logRetentionDays = int('hubdial:logRetentionDays', 1, 3653);
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    throw new ConfigError('hubdial:logRetentionDays', `must be one of ${RETENTION_DAYS.join(', ')}, got ${logRetentionDays}`);
  }
  const logLevel = text('hubdial:logLevel').toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('hubdial:logLevel', `must be one of ${LOG_LEVELS.join(', ')}`);

  const alarmEmail = text('hubdial:alarmEmail');
  if (alarmEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail))
    throw new ConfigError('hubdial:alarmEmail', `is not an e-mail address: ${alarmEmail}`);

  const hubspotBaseUrl = text('hubdial:hubspotBaseUrl').replace(/\/+$/, '');
  if (hubspotBaseUrl && !/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(hubspotBaseUrl)) {
    throw new ConfigError('hubdial:hubspotBaseUrl', `must be an https:// URL without query or fragment, got ${hubspotBaseUrl}`);
  }

  const metricNamespace = text('hubdial:metricNamespace');
  if (!/^[A-Za-z0-9._/#:-]{1,255}$/.test(metricNamespace) || metricNamespace.startsWith('AWS/')) {
    throw new ConfigError('hubdial:metricNamespace', `is not a usable CloudWatch namespace: ${metricNamespace}`);
  }

  const throttleRateLimit = int('hubdial:throttleRateLimit', 1, 10_000);
  const throttleBurstLimit = int('hubdial:throttleBurstLimit', 1, 5_000);

  const retentionRaw = node.tryGetContext('retentionDays');
  let retentionDays: number | undefined;
  if (retentionRaw !== undefined && retentionRaw !== null && retentionRaw !== '') {
    retentionDays = Number(retentionRaw);
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
      throw new Error(
        `context retentionDays: must be a whole number of days from 1 to 3650, got ${JSON.stringify(retentionRaw)} (set it in cdk.json "context" or with -c retentionDays=...)`,
      );
    }
  }

  return {
    ...(retentionDays !== undefined ? { retentionDays } : {}),
    // SQS event sources refuse a maxConcurrency below 2.
    maxConcurrentCalls: int('hubdial:maxConcurrentCalls', 2, 1000),
    alarmEmail: alarmEmail || undefined,
    logRetentionDays,
    logLevel,
    throttleRateLimit,
    throttleBurstLimit,
    hubspotBaseUrl: hubspotBaseUrl || undefined,
    metricNamespace,
  };
}
