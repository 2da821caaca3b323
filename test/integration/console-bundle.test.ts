// The console as built for the browser: inside its page budget, carrying the admin route
// table it shares with the handler and the CLI, and none of the server's code.
import { buildConsole, gzippedSize } from '../../console/build';
import { ADMIN_ROUTES } from '../../functions/core/admin-contract';

describe('console bundle', () => {
  let files: Awaited<ReturnType<typeof buildConsole>>;
  beforeAll(async () => {
    files = await buildConsole();
  });

  it('is under 150 KB gzipped, all files together', () => {
    const size = gzippedSize(files);
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThan(150 * 1024);
  });

  it('builds its URLs from the shared route table, and takes nothing of the server', () => {
    const js = files.get('/app.js')?.body ?? '';
    for (const route of ADMIN_ROUTES) expect(js).toContain(route.path);
    // Type-only imports of the views leave no server module behind: no node built-ins, no SDK.
    expect(js).not.toMatch(/node:|@aws-sdk|require\(/);
  });
});
