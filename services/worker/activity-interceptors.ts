import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { correlationOf } from '../../contracts/correlation';
import type { Logger } from '../shared/logger';
import { withCorrelation } from '../shared/request-context';

/**
 * Each activity runs in the correlation its workflow put in its headers
 * (workflows/correlation-interceptors.ts): the typed clients forward the ids
 * to the services it calls, and its log lines carry them. One line per
 * activity at debug (at warn when it fails: Temporal retries it).
 */
export function correlationActivityInterceptor(logger: Logger): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      execute: (input, next) =>
        withCorrelation(correlationOf(input.headers), async () => {
          const started = process.hrtime.bigint();
          const line = () => ({
            activity: ctx.info.activityType,
            workflowId: ctx.info.workflowExecution?.workflowId,
            attempt: ctx.info.attempt,
            ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
          });
          try {
            const result = await next(input);
            logger.debug(line(), 'activity completed');
            return result;
          } catch (err) {
            logger.warn({ ...line(), err }, 'activity failed');
            throw err;
          }
        }),
    },
  });
}
