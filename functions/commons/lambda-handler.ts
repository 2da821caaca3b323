import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * The Lambda entry point over a handler built once per container (the AWS wiring is read
 * from the environment on first use, so importing the module in a test builds nothing).
 * Each invocation adds its Lambda context to the logger: every line it writes carries
 * function_request_id, cold_start and the function's name, version and ARN. This is
 * Powertools' injectLambdaContext without middy; the local stack calls the create*
 * factories directly and has no Lambda context to add.
 */
export function lambdaHandler<E, R>(build: () => (event: E) => Promise<R>): (event: E, context: Context) => Promise<R> {
  let handle: ((event: E) => Promise<R>) | undefined;
  return (event, context) => {
    logger.addContext(context);
    handle ??= build();
    return handle(event);
  };
}
