import type { WorkflowClientInterceptor } from '@temporalio/client';
import { correlationHeaders } from '../../contracts/correlation';
import { currentCorrelation } from '../shared/request-context';
import type { Tracing } from '../shared/tracing';

/**
 * Every workflow start, update and signal this service sends carries the
 * request's correlation as Temporal headers (never as workflow input): the
 * workflow hands it to its activities (workflows/correlation-interceptors.ts).
 */
export const correlationClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: { ...input.headers, ...correlationHeaders(currentCorrelation()) } }),
  startWithDetails: (input, next) => next({ ...input, headers: { ...input.headers, ...correlationHeaders(currentCorrelation()) } }),
  signal: (input, next) => next({ ...input, headers: { ...input.headers, ...correlationHeaders(currentCorrelation()) } }),
  signalWithStart: (input, next) => next({ ...input, headers: { ...input.headers, ...correlationHeaders(currentCorrelation()) } }),
  startUpdate: (input, next) => next({ ...input, headers: { ...input.headers, ...correlationHeaders(currentCorrelation()) } }),
  startUpdateWithStart: (input, next) => {
    const headers = correlationHeaders(currentCorrelation());
    return next({ ...input, workflowStartHeaders: { ...input.workflowStartHeaders, ...headers }, updateHeaders: { ...input.updateHeaders, ...headers } });
  },
};

/** Correlation always; with tracing on, OpenTelemetry's too (a trace context in the same headers), loaded only then. */
export function temporalClientInterceptors(tracing: Tracing | undefined): WorkflowClientInterceptor[] {
  if (!tracing) return [correlationClientInterceptor];
  const otel = require('@temporalio/interceptors-opentelemetry/lib/client') as typeof import('@temporalio/interceptors-opentelemetry/lib/client');
  return [correlationClientInterceptor, new otel.OpenTelemetryWorkflowClientInterceptor()];
}
