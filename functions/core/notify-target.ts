// The agent's `notify: {url, secret}`: where signed attempt.settled / call.finished events go.
import type { NotifyTarget } from './model';

const MIN_SECRET = 16;
const MAX_SECRET = 512;
const MAX_URL = 2048;
/** What admin replies show instead of the secret (the same placeholder as voice secrets). */
export const NOTIFY_SECRET_SHOWN = '***';

export type NotifyParse = { ok: true; value: NotifyTarget | undefined } | { ok: false; error: { parameter: string; message: string } };

/**
 * `stored` is the agent's current target: a PUT that leaves the secret out (or sends the
 * placeholder an admin reply showed) keeps the stored secret, as voice settings do.
 */
export function parseNotifyTarget(input: unknown, stored?: NotifyTarget): NotifyParse {
  if (input === undefined || input === null) return { ok: true, value: undefined };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return fail('notify', 'notify must be an object {"url": "https://...", "secret": "..."}, or null for no notifications');
  }
  const { url: sent, secret, ...rest } = input as Record<string, unknown>;
  // A URL sent back exactly as an admin reply showed it (query string stripped) keeps the stored one.
  const url = stored && sent === notifyTargetView(stored)?.url ? stored.url : sent;
  const extra = Object.keys(rest)[0];
  if (extra) return fail(`notify.${extra}`, `notify.${extra} is not a notify setting; the settings are url and secret`);
  if (typeof url !== 'string' || url.length > MAX_URL || !isWebUrl(url)) {
    return fail('notify.url', 'notify.url must be the http(s) URL of your endpoint, e.g. "https://hooks.example.com/hubdial"');
  }
  const kept = (secret === undefined || secret === NOTIFY_SECRET_SHOWN) && stored ? stored.secret : secret;
  if (typeof kept !== 'string' || kept.length < MIN_SECRET || kept.length > MAX_SECRET) {
    return fail(
      'notify.secret',
      `notify.secret must be a string of ${MIN_SECRET} to ${MAX_SECRET} characters: hubdial signs every event with it (X-Hubdial-Signature)`,
    );
  }
  return { ok: true, value: { url, secret: kept } };
}

/** For admin replies: the URL without query string or credentials, the secret as a placeholder. */
export function notifyTargetView(target: NotifyTarget | undefined): { url: string; secret: string } | undefined {
  if (!target) return undefined;
  let url = target.url;
  try {
    const u = new URL(target.url);
    u.search = '';
    u.hash = '';
    u.username = '';
    u.password = '';
    url = u.toString();
  } catch {
    /* validated on the way in */
  }
  return { url, secret: NOTIFY_SECRET_SHOWN };
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return (protocol === 'https:' || protocol === 'http:') && hostname.length > 0;
  } catch {
    return false;
  }
}

function fail(parameter: string, message: string): NotifyParse {
  return { ok: false, error: { parameter, message } };
}
