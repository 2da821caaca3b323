// hubdial console [--endpoint URL] [--port N]
import type { Command } from 'commander';
import { startConsoleServer } from '../console-server';
import { type CliIo, type GlobalOptions, signingFor, UsageError } from '../context';

export function registerConsole(program: Command, io: CliIo): void {
  program
    .command('console')
    .description('serve the web console on this machine for the admin API at --endpoint (requests signed with your AWS credentials)')
    .option('--port <n>', 'local port for the console (loopback only)', '3002')
    .action(async (opts: { port: string }, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a port number from 0 to 65535, got "${opts.port}"`);
      const { endpoint, sign } = signingFor(cmd.optsWithGlobals<GlobalOptions>(), io.env ?? process.env);
      const server = await startConsoleServer({ endpoint, sign, port, fetch: io.fetch });
      io.stdout(`hubdial console: open ${server.url}/  (admin API: ${endpoint}${sign ? ', signed with SigV4' : ''}; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.stop().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        server.server.once('close', () => resolve());
      });
    });
}
