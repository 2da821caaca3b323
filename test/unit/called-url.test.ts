// The URL HubSpot signed, rebuilt from the request as each listener delivers it.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { calledUrl } from '../../functions/commons/http';

function apiGatewayEvent(headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /call/crm-webhook',
    rawPath: '/call/crm-webhook',
    rawQueryString: 'agent_id=ag_1&type=hubspot&x_api_key=k',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'POST', path: '/call/crm-webhook', protocol: 'HTTP/1.1', sourceIp: '54.0.0.1', userAgent: 'HubSpot Connect 2.0' },
      requestId: 'r1',
      routeKey: 'POST /call/crm-webhook',
      stage: '$default',
      time: '03/Dec/2026:14:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

const QUERY = '/call/crm-webhook?agent_id=ag_1&type=hubspot&x_api_key=k';

describe('calledUrl (the URL a HubSpot v3 signature covers)', () => {
  it('is https + Host on API Gateway, which forwards the scheme as X-Forwarded-Proto', () => {
    const host = 'abc123.execute-api.eu-west-1.amazonaws.com';
    expect(calledUrl(apiGatewayEvent({ host, 'x-forwarded-proto': 'https' }))).toBe(`https://${host}${QUERY}`);
    expect(calledUrl(apiGatewayEvent({ host }))).toBe(`https://${host}${QUERY}`);
  });

  it('falls back to the API domain when no Host header came', () => {
    expect(calledUrl(apiGatewayEvent({}))).toBe(`https://abc123.execute-api.eu-west-1.amazonaws.com${QUERY}`);
  });

  it('keeps a custom domain in Host', () => {
    expect(calledUrl(apiGatewayEvent({ host: 'calls.example.com', 'x-forwarded-proto': 'https' }))).toBe(
      `https://calls.example.com${QUERY}`,
    );
  });

  it('uses the scheme and host a proxy forwarded, first value of each', () => {
    const event = apiGatewayEvent({
      host: '127.0.0.1:3000',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'a.tunnel.example, b',
    });
    expect(calledUrl(event)).toBe(`https://a.tunnel.example${QUERY}`);
  });

  it('is plain http for a plain-HTTP listener', () => {
    expect(calledUrl(apiGatewayEvent({ host: '127.0.0.1:3000', 'x-forwarded-proto': 'http' }))).toBe(`http://127.0.0.1:3000${QUERY}`);
  });

  it("prefers the operator's public base URL over anything the request says", () => {
    const event = apiGatewayEvent({ host: '127.0.0.1:3000', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' });
    expect(calledUrl(event, 'https://calls.example.com/')).toBe(`https://calls.example.com${QUERY}`);
  });

  it('keeps the raw query exactly as sent (HubSpot signs it encoded)', () => {
    const event = { ...apiGatewayEvent({ host: 'h.example' }), rawQueryString: 'a=1%2C2&b=%20' };
    expect(calledUrl(event)).toBe('https://h.example/call/crm-webhook?a=1%2C2&b=%20');
  });
});
