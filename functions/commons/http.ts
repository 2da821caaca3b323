import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// Helpers shared by the API handlers: every reply is JSON, every error names what is
// wrong in `message` (and the offending `parameter` when there is one).

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function errorReply(statusCode: number, error: string, message: string, parameter?: string): HttpResult {
  return json(statusCode, parameter ? { error, message, parameter } : { error, message });
}

/** Header names lower-cased (API Gateway v2 already does; the local server too). */
export function headerOf(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * The URL the caller used, as HubSpot signs it (v3): `publicBaseUrl` when the operator set
 * one; else the scheme and host a proxy or tunnel forwarded (X-Forwarded-Proto /
 * X-Forwarded-Host, first value of each); else the Host header with the listener's scheme,
 * which API Gateway always sends as X-Forwarded-Proto and is https when absent.
 */
export function calledUrl(event: HttpEvent, publicBaseUrl?: string): string {
  const first = (name: string) => headerOf(event, name)?.split(',')[0]?.trim() || undefined;
  const proto = first('x-forwarded-proto')?.toLowerCase() === 'http' ? 'http' : 'https';
  const host = first('x-forwarded-host') ?? headerOf(event, 'host') ?? event.requestContext.domainName;
  const base = publicBaseUrl || `${proto}://${host}`;
  return `${base.replace(/\/+$/, '')}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
}

export function lowerCaseHeaders(event: HttpEvent): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

export function rawBodyOf(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Byte length of the body as received (before base64 decoding). */
export function bodyBytes(event: HttpEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
}

/**
 * Query parameters, first value wins. Parsed from the raw query string because API
 * Gateway joins repeated parameters with commas, which would corrupt a list parameter.
 */
export function queryOf(event: HttpEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(event.rawQueryString ?? '')) if (!(k in out)) out[k] = v;
  return out;
}

/** Parses a JSON object body for admin routes; a string error names the problem. */
export function jsonObjectBody(event: HttpEvent): Record<string, unknown> | string {
  const raw = rawBodyOf(event);
  if (!raw.trim()) return 'request body is empty: send a JSON object';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return 'request body must be a JSON object';
  } catch {
    return 'request body is not valid JSON';
  }
}
