import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { Headers } from '@temporalio/common';
import { correlationHeaders } from '../../contracts/correlation';
import { currentCorrelation } from '../shared/request-context';
import type { Tracing } from '../shared/tracing';

/**
 * Every workflow start, update and signal this service sends carries the
 * request's correlation as Temporal headers (never as workflow input): the
 * workflow hands it to its activities (workflows/correlation-interceptors.ts).
 */
export const correlationClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next(carry(input)),
  startWithDetails: (input, next) => next(carry(input)),
  signal: (input, next) => next(carry(input)),
  signalWithStart: (input, next) => next(carry(input)),
  startUpdate: (input, next) => next(carry(input)),
  startUpdateWithStart: (input, next) => {
    const headers = correlationHeaders(currentCorrelation());
    return next({ ...input, workflowStartHeaders: { ...input.workflowStartHeaders, ...headers }, updateHeaders: { ...input.updateHeaders, ...headers } });
  },
};

/** The call with the current correlation added to its headers. */
function carry<T extends { headers: Headers }>(input: T): T {
  return { ...input, headers: { ...input.headers, ...correlationHeaders(currentCorrelation()) } };
}

/** Correlation always; with tracing on, OpenTelemetry's too (a trace context in the same headers), loaded only then. */
export function temporalClientInterceptors(tracing: Tracing | undefined): WorkflowClientInterceptor[] {
  if (!tracing) return [correlationClientInterceptor];
  const otel = require('@temporalio/interceptors-opentelemetry/lib/client') as typeof import('@temporalio/interceptors-opentelemetry/lib/client');
  return [correlationClientInterceptor, new otel.OpenTelemetryWorkflowClientInterceptor()];
}
