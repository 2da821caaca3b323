// Outcomes per day for the console's chart: each settled attempt counts on the UTC day it
// ended (connected, no answer, busy, voicemail, failed), each skipped call on the day it
// was created. The connect rate is connected attempts over settled attempts.
import type { CallRecord } from './model';

export interface DayOutcomes {
  day: string;
  connected: number;
  noAnswer: number;
  busy: number;
  voicemail: number;
  failed: number;
  skipped: number;
}

export interface OutcomeStats {
  from: string;
  to: string;
  days: DayOutcomes[];
  totals: Omit<DayOutcomes, 'day'>;
  attempts: number;
  /** connected / settled attempts, 0..1; null when no attempt settled. */
  connectRate: number | null;
}

const FIELD = { completed: 'connected', 'no-answer': 'noAnswer', busy: 'busy', voicemail: 'voicemail', failed: 'failed' } as const;

export function outcomesPerDay(calls: Iterable<CallRecord>, now: Date, dayCount: number): OutcomeStats {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (dayCount - 1) * 86_400_000;
  const days: DayOutcomes[] = [];
  const byDay = new Map<string, DayOutcomes>();
  for (let t = first; t <= today; t += 86_400_000) {
    const row = { day: new Date(t).toISOString().slice(0, 10), connected: 0, noAnswer: 0, busy: 0, voicemail: 0, failed: 0, skipped: 0 };
    days.push(row);
    byDay.set(row.day, row);
  }
  for (const call of calls) {
    if (call.status === 'skipped') {
      const row = byDay.get(call.createdAt.slice(0, 10));
      if (row) row.skipped += 1;
    }
    for (const attempt of call.attempts) {
      if (!attempt.outcome) continue;
      const row = byDay.get((attempt.endedAt ?? attempt.startedAt ?? attempt.scheduledAt).slice(0, 10));
      if (row) row[FIELD[attempt.outcome]] += 1;
    }
  }
  const totals = { connected: 0, noAnswer: 0, busy: 0, voicemail: 0, failed: 0, skipped: 0 };
  for (const row of days) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += row[k];
  const attempts = totals.connected + totals.noAnswer + totals.busy + totals.voicemail + totals.failed;
  return {
    from: new Date(first).toISOString(),
    to: new Date(today + 86_400_000).toISOString(),
    days,
    totals,
    attempts,
    connectRate: attempts ? totals.connected / attempts : null,
  };
}
