// API access-log line, one JSON object per request. The webhook URL carries the API key
// in its query string (the URL format HubSpot setups already use), so no field here may
// hold the query: `$context.path` is the path alone and `$context.routeKey` the matched
// route. Error *types* are logged instead of gateway error messages, which for a
// SigV4-signed request can quote the canonical request, query included.

/** Field name -> `$context` variable. `status` is written unquoted so filters can compare it. */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  caller: '$context.identity.userArn',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorType: '$context.error.responseType',
} as const;

const NUMERIC_FIELDS = new Set<string>(['status']);

/** The single-line JSON format handed to the stage's access-log settings. */
export function accessLogFormat(): string {
  const parts = Object.entries(ACCESS_LOG_FIELDS).map(([name, variable]) =>
    NUMERIC_FIELDS.has(name) ? `"${name}":${variable}` : `"${name}":"${variable}"`,
  );
  return `{${parts.join(',')}}`;
}
