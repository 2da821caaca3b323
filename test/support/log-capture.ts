// Every line the service writes (stdout and stderr) at DEBUG, for the log-hygiene suites.
import { logger } from '../../functions/commons/logger';

export interface LogCapture {
  /** Everything written since start, in order. */
  readonly lines: string[];
  /** All of it as one string. */
  text(): string;
  /** Puts stdout/stderr back and silences the logger again. */
  restore(): void;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  const originalErr = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  logger.setLogLevel('DEBUG');
  return {
    lines,
    text: () => lines.join(''),
    restore() {
      logger.setLogLevel('SILENT');
      process.stdout.write = originalWrite;
      process.stderr.write = originalErr;
    },
  };
}
