// `npm start`: the whole service on this machine, no AWS account needed.
import { resolve } from 'node:path';
import { startLocalStack } from './stack';

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number from 0 to 65535, got "${raw}"`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.HUBDIAL_DATA_DIR || '.data');
  const stack = await startLocalStack({
    port: portFrom('PORT', 3000),
    adminPort: portFrom('ADMIN_PORT', 3001),
    dataDir,
    hubspotBaseUrl: process.env.HUBSPOT_BASE_URL || undefined,
    dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    sqsEndpoint: process.env.SQS_ENDPOINT || undefined,
    publicBaseUrl: process.env.PUBLIC_BASE_URL || undefined,
  });
  const base = process.env.PUBLIC_BASE_URL || stack.publicUrl;
  console.log(
    [
      '',
      'hubdial is running',
      `  public routes (expose to HubSpot):  ${stack.publicUrl}   POST /call/crm-webhook, POST /call/status/{provider}`,
      `  admin routes (loopback only):       ${stack.adminUrl}   /admin/...  (npx hubdial --help)`,
      `  data:                               ${dataDir}`,
      '',
      'Next: npx hubdial api-keys create --name hubspot',
      '      npx hubdial agents create --name Sales --timezone America/New_York --default-country US --voice-provider simulator',
      '      npx hubdial hubspot connect --token -      (paste the private app access token)',
      "HubSpot webhook URL (set PUBLIC_BASE_URL to your tunnel's https URL):",
      `  ${base}/call/crm-webhook?agent_id=YOUR_AGENT_ID&type=hubspot&x_api_key=YOUR_API_KEY`,
      '  optional: &min_trigger_time=09:00&max_trigger_time=18:00&carry_over=true&num_of_retries=3&gap_between_retries=2,4,6',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(`hubdial failed to start: ${err instanceof Error ? err.message : String(err)}`);
  if (err && typeof err === 'object' && 'code' in err && err.code === 'EADDRINUSE') {
    console.error('A port is taken: set PORT / ADMIN_PORT to free ports.');
  }
  process.exit(1);
});
