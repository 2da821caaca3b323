// The few @hubspot/api-client v14 modules the adapter calls, set up the way the SDK's own
// Client sets them up (same configurator, auth, headers and middleware). Importing the
// package index instead bundles every generated API client: ~4.4 MiB in each Lambda.
import {
  BasicApi as ContactsBasicApi,
  BatchApi as ContactsBatchApi,
  SearchApi as ContactsSearchApi,
  createConfiguration as createContactsConfiguration,
  Observable as ContactsObservable,
  ServerConfiguration as ContactsServerConfiguration,
} from '@hubspot/api-client/lib/codegen/crm/contacts';
import {
  BasicApi as CallsBasicApi,
  createConfiguration as createCallsConfiguration,
  Observable as CallsObservable,
  ServerConfiguration as CallsServerConfiguration,
} from '@hubspot/api-client/lib/codegen/crm/objects/calls';
import { ApiClientConfigurator } from '@hubspot/api-client/lib/src/configuration/ApiClientConfigurator';
import type IConfiguration from '@hubspot/api-client/lib/src/configuration/IConfiguration';
import { HttpClient } from '@hubspot/api-client/lib/src/services/http/HttpClient';
import { Request } from '@hubspot/api-client/lib/src/services/http/Request';

export interface HubSpotSdkConfig {
  accessToken: string;
  basePath: string;
  middleware: NonNullable<IConfiguration['middleware']>;
}

export interface HubSpotSdk {
  contacts: { basicApi: ContactsBasicApi; batchApi: ContactsBatchApi; searchApi: ContactsSearchApi };
  calls: { basicApi: CallsBasicApi };
  /** A raw GET, as `Client.apiRequest` sends it: for endpoints with no generated module. */
  get(path: string): Promise<Response>;
}

/**
 * No retry or limiter decorator is applied (Client applies none with 0 retries and no
 * limiter options), and unlike Client's APIs these never pick up decorators that another
 * Client in the process may have set globally.
 */
export function createHubSpotSdk(config: HubSpotSdkConfig): HubSpotSdk {
  const sdkConfig: IConfiguration = { accessToken: config.accessToken, basePath: config.basePath, middleware: config.middleware };
  // As crm/contacts' and crm/objects/calls' discovery classes build their configurations.
  const contacts = createContactsConfiguration(
    ApiClientConfigurator.getParams(sdkConfig, ContactsServerConfiguration, ContactsObservable, ContactsObservable),
  );
  const calls = createCallsConfiguration(
    ApiClientConfigurator.getParams(sdkConfig, CallsServerConfiguration, CallsObservable, CallsObservable),
  );
  return {
    contacts: {
      basicApi: new ContactsBasicApi(contacts),
      batchApi: new ContactsBatchApi(contacts),
      searchApi: new ContactsSearchApi(contacts),
    },
    calls: { basicApi: new CallsBasicApi(calls) },
    get: (path) => HttpClient.send(new Request(sdkConfig, { method: 'GET', path })),
  };
}
