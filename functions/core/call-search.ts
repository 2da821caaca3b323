// The admin call listing's search parameters: from / to (ISO 8601) and q (a contact id
// or a phone number). A number is matched in E.164, so "+1 (555) 010-0001" finds +15550100001.
import type { CallQuery } from './ports';

export type CallSearch = Pick<CallQuery, 'from' | 'to' | 'q'>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; parameter: string; message: string };

function isoTime(raw: string | undefined, name: string): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms))
    return { ok: false, parameter: name, message: `${name} must be an ISO 8601 date or time, e.g. 2026-06-01 or 2026-06-01T09:00:00Z` };
  return { ok: true, value: new Date(ms).toISOString() };
}

export function parseCallSearch(query: Record<string, string | undefined>): Parsed<CallSearch> {
  const from = isoTime(query.from, 'from');
  if (!from.ok) return from;
  const to = isoTime(query.to, 'to');
  if (!to.ok) return to;
  if (from.value && to.value && from.value >= to.value) return { ok: false, parameter: 'to', message: 'to must be later than from' };
  const raw = query.q?.trim() ?? '';
  if (raw.length > 64) return { ok: false, parameter: 'q', message: 'q must be a contact id or a phone number (at most 64 characters)' };
  let q: string | undefined = raw || undefined;
  // Not a bare contact id but looks like a number: compare in E.164 (digits after a "+").
  if (q && !/^\d+$/.test(q) && /^[+\d\s().-]+$/.test(q)) q = `+${q.replace(/\D/g, '')}`;
  return { ok: true, value: { from: from.value, to: to.value, q } };
}
