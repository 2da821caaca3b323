// The one admin contract: every route of ADMIN_ROUTES is answered by the admin handler,
// routed by the CDK API, called by the CLI client and served by the CLI's fake admin.
// A route added to the table and missing from any of the four fails here by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AdminApiError, AdminClient } from '../../cli/admin-client';
import { ADMIN_API, ADMIN_ROUTES, type AdminRouteName, adminPath, matchAdminRoute } from '../../functions/core/admin-contract';
import { ADMIN_HANDLER_ROUTES, createAdminHandler } from '../../functions/handlers/admin';
import type { HttpEvent } from '../../functions/commons/http';
import { readConfig } from '../../lib/config';
import { ServiceApi } from '../../lib/constructs/service-api';
import { startFakeAdmin } from '../fakes/fake-admin';

const ALL = ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
const key = (name: AdminRouteName) => `${ADMIN_API[name].method} ${ADMIN_API[name].path}`;

/** A concrete path for a route: ids filled in, a do-not-call number with its `+` encoded. */
function samplePath(path: string): string {
  return path.replace('{number}', '%2B14155550100').replace(/\{[^}]+\}/g, 'agt_sample1');
}

function routeOf(method: string, path: string): string | undefined {
  const match = matchAdminRoute(method, path);
  return match.found ? key(match.name) : undefined;
}

describe('the admin route table', () => {
  it('names each route once and matches every route by its own name', () => {
    expect(new Set(ALL).size).toBe(ALL.length);
    for (const route of ADMIN_ROUTES) expect(routeOf(route.method, samplePath(route.path))).toBe(`${route.method} ${route.path}`);
  });

  it('fills path parameters URL-encoded, and refuses a missing one', () => {
    expect(adminPath('removeDoNotCall', { number: '+14155550100' })).toBe('/admin/do-not-call/%2B14155550100');
    expect(adminPath('cancelCall', { id: 'a/b' })).toBe('/admin/calls/a%2Fb/cancel');
    expect(() => adminPath('getAgent', {} as { id: string })).toThrow('path parameter id is missing');
  });

  it('tells a wrong method (with the allowed ones) from an unknown path', () => {
    expect(matchAdminRoute('PATCH', '/admin/agents/agt_1')).toEqual({ found: false, allowed: ['GET', 'PUT', 'DELETE'] });
    expect(matchAdminRoute('GET', '/admin/nothing')).toEqual({ found: false, allowed: [] });
  });
});

describe('the admin handler', () => {
  it('has a use case for every route and no other', () => {
    expect(ADMIN_HANDLER_ROUTES.map(([m, p]) => `${m} ${p}`).sort()).toEqual(ALL);
  });

  it('reaches a use case on every route (never its own "no admin route" or 405)', async () => {
    // Nothing outside is needed to prove routing: every port refuses, so a reached use
    // case answers its own 4xx or the handler's 500, never the router's 404/405.
    const refuse = new Proxy({}, { get: () => async () => Promise.reject(new Error('not used by this test')) });
    const handler = createAdminHandler({
      store: refuse as never,
      dispatcher: refuse as never,
      hubspotFor: () => refuse as never,
      voiceSettings: { validate: () => ({ ok: false, error: { parameter: 'voice', message: 'x' } }), redact: (v: unknown) => v } as never,
      now: () => new Date('2026-06-10T15:00:00Z'),
    });
    const unreached: string[] = [];
    for (const route of ADMIN_ROUTES) {
      const event = {
        rawPath: samplePath(route.path),
        rawQueryString: '',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        isBase64Encoded: false,
        requestContext: { http: { method: route.method }, domainName: 'admin.example' },
      } as unknown as HttpEvent;
      const res = await handler(event);
      const body = JSON.parse(String(res.body || '{}'));
      if (res.statusCode === 405 || String(body.message ?? '').startsWith('no admin route'))
        unreached.push(`${route.method} ${route.path}`);
    }
    expect(unreached).toEqual([]);
  });
});

describe('the CDK API', () => {
  it('routes every admin route, behind IAM, to the admin function', () => {
    const context = JSON.parse(readFileSync(join(__dirname, '../../cdk.json'), 'utf8')).context;
    const app = new App({ context });
    const stack = new Stack(app, 'Contract');
    const fn = (id: string) =>
      new LambdaFunction(stack, id, {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => ({})'),
      });
    new ServiceApi(stack, 'Api', { webhook: fn('Webhook'), callStatus: fn('Status'), admin: fn('Admin'), config: readConfig(app.node) });
    const routes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const admin = routes.filter((r) => String(r.RouteKey).includes(' /admin'));
    expect(admin.map((r) => r.RouteKey).sort()).toEqual(ALL);
    for (const r of admin) expect(r.AuthorizationType).toBe('AWS_IAM');
  });
});

describe('the CLI client and its fake admin', () => {
  it('the client calls every route, each served by the fake', async () => {
    const fake = await startFakeAdmin();
    try {
      const client = new AdminClient({ endpoint: fake.url });
      const ignoreApiErrors = (p: Promise<unknown>) => p.catch((err) => (err instanceof AdminApiError ? undefined : Promise.reject(err)));
      const agent = await client.createAgent({ name: 'A', timezone: 'UTC', variables: [], voice: { provider: 'simulator' } });
      const calls: Promise<unknown>[] = [
        client.createApiKey('k'),
        client.listApiKeys(),
        client.revokeApiKey('key_none'),
        client.listAgents(),
        client.getAgent(agent.id),
        client.updateAgent(agent.id, { name: 'B', timezone: 'UTC', variables: [], voice: { provider: 'simulator' } }),
        client.connectHubSpot({ accessToken: fake.validHubSpotToken }),
        client.getHubSpotConnection(),
        client.listCalls({ q: '501' }),
        client.getCall('call_none'),
        client.cancelCall('call_none'),
        client.outcomeStats(30),
        client.testCall(agent.id, { to: '+14155550100' }),
        client.createCall({ agentId: agent.id, contactId: '501' }),
        client.startBackfill({ agentId: agent.id, since: '2026-06-01T00:00:00Z' }),
        client.getBackfill('bf_none'),
        client.addDoNotCall(['+14155550101']),
        client.listDoNotCall(),
        client.removeDoNotCall('+14155550101'),
      ];
      for (const call of calls) await ignoreApiErrors(call);
      await client.deleteAgent(agent.id);

      const called = new Set(fake.requests.map((r) => routeOf(r.method, r.path)));
      expect(ALL.filter((route) => !called.has(route))).toEqual([]);

      // And the fake serves each route itself, whatever the client sends.
      const unserved: string[] = [];
      for (const route of ADMIN_ROUTES) {
        const res = await fetch(fake.url + samplePath(route.path), {
          method: route.method,
          headers: { 'content-type': 'application/json' },
          body: route.method === 'GET' ? undefined : '{}',
        });
        const body = (res.status === 204 ? {} : await res.json()) as { message?: string };
        if (res.status === 405 || String(body.message ?? '').startsWith('no admin route')) unserved.push(`${route.method} ${route.path}`);
      }
      expect(unserved).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
