// Plain-text output for operators: aligned tables and "label  value" blocks.
// No colours or box drawing, so output pastes cleanly into tickets and greps well.

export type Cell = string | number | boolean | null | undefined;

const GAP = '  ';

/** Columns padded to the widest cell; the last column is not padded (no trailing spaces). */
export function table(headers: string[], rows: Cell[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const lines = [headers, ...rows.map((row) => headers.map((_, i) => cellText(row[i])))];
  const widths = headers.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  return lines
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
}

/** Label/value pairs with the values aligned; pairs whose value is absent are left out. */
export function keyValues(pairs: [label: string, value: Cell][]): string {
  const shown = pairs.filter(([, value]) => value !== undefined && value !== null && value !== '');
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)}${GAP}${cellText(value)}`).join('\n');
}

/** ISO 8601 UTC without milliseconds, e.g. 2026-06-10T15:00:00Z. */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A URL without its query string or credentials, which may carry secrets. */
export function safeUrl(value: unknown): string {
  if (typeof value !== 'string') return '';
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(not a valid URL)';
  }
}

function cellText(value: Cell): string {
  if (value === undefined || value === null) return '';
  // One row per record: a reason with line breaks must not break the table.
  return String(value).replace(/\s*[\r\n]+\s*/g, ' ');
}
