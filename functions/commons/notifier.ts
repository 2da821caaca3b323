// The operator's notification endpoint a handler uses: the one the composition root gave
// (tests, the local stack), else plain fetch.
import { createWebhookNotifier } from '../adapters/notify/notify-webhook';
import type { Notifier } from '../core/ports';
import type { AppDeps } from './deps';

let fallback: Notifier | undefined;

export function notifierOf(deps: Pick<AppDeps, 'notifier'>): Notifier {
  if (deps.notifier) return deps.notifier;
  fallback ??= createWebhookNotifier();
  return fallback;
}
