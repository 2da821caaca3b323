// The operator's notification endpoint over plain fetch: one signed POST, bounded by a
// timeout so an endpoint that hangs holds a queue worker only briefly.
import { NotifyError } from '../../core/errors';
import type { Notifier } from '../../core/ports';
import { SIGNATURE_HEADER, signBody } from '../voice/signing';

export const NOTIFY_TIMEOUT_MS = 5000;

export function createWebhookNotifier(opts: { timeoutMs?: number } = {}): Notifier {
  const timeoutMs = opts.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  return {
    async deliver(target, body) {
      let res: Response;
      try {
        res = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'hubdial-notify',
            [SIGNATURE_HEADER]: signBody(target.secret, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const name = (err as { name?: unknown } | undefined)?.name;
        if (name === 'TimeoutError') throw new NotifyError(`no answer within ${timeoutMs} ms`);
        const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
        throw new NotifyError(`could not connect (${typeof cause === 'string' ? cause : 'network error'})`);
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return;
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new NotifyError(
        `answered HTTP ${res.status}`,
        res.status,
        res.headers.get('retry-after') && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
      );
    },
  };
}
