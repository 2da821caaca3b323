import { App } from 'aws-cdk-lib';
import { CONTEXT_DEFAULTS, readConfig } from '../../lib/config';
import { CDK_JSON_CONTEXT } from './stack-fixture';

const configWith = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('context configuration', () => {
  it('cdk.json sets every hubdial key to its documented default', () => {
    const fromCdkJson = Object.fromEntries(Object.entries(CDK_JSON_CONTEXT).filter(([k]) => k.startsWith('hubdial:')));
    expect(fromCdkJson).toEqual(CONTEXT_DEFAULTS);
  });

  it('falls back to the defaults when a key is absent', () => {
    expect(configWith({})).toEqual({
      maxConcurrentCalls: 10,
      alarmEmail: undefined,
      logRetentionDays: 30,
      logLevel: 'INFO',
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      hubspotBaseUrl: undefined,
      metricNamespace: 'hubdial',
    });
  });

  it('accepts -c style string values', () => {
    expect(configWith({ 'hubdial:maxConcurrentCalls': '25', 'hubdial:logRetentionDays': '90', 'hubdial:logLevel': 'warn' })).toMatchObject({
      maxConcurrentCalls: 25,
      logRetentionDays: 90,
      logLevel: 'WARN',
    });
  });

  it.each([
    ['hubdial:maxConcurrentCalls', 1, /whole number from 2 to 1000/],
    ['hubdial:maxConcurrentCalls', 2.5, /whole number/],
    ['hubdial:logRetentionDays', 31, /must be one of 1, 3, 5/],
    ['hubdial:logLevel', 'TRACE', /DEBUG, INFO, WARN, ERROR/],
    ['hubdial:alarmEmail', 'not-an-address', /not an e-mail address/],
    ['hubdial:hubspotBaseUrl', 'http://api.hubapi.com', /https:\/\//],
    ['hubdial:hubspotBaseUrl', 'https://api.hubapi.com/?x=1', /without query/],
    ['hubdial:throttleRateLimit', 0, /from 1 to/],
    ['hubdial:metricNamespace', 'AWS/Lambda', /namespace/],
  ])('refuses %s = %p with a message naming the key', (key, value, message) => {
    expect(() => configWith({ [key]: value })).toThrow(message);
    expect(() => configWith({ [key]: value })).toThrow(key);
  });
});
