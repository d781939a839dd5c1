/**
 * OpenTelemetry's workflow interceptors (@temporalio/interceptors-opentelemetry),
 * switched on per workflow by its start: only a workflow whose start carried
 * a trace context (booking's client interceptor adds it when tracing is on)
 * makes spans. The others, and every recorded history, run as if the module
 * were absent: no tracer, no span, no sink call; tracing off costs one header
 * lookup per workflow. The start's headers are in its history, so a replay
 * takes the same branch. Loaded into the workflow bundle by services/worker/bundle.ts.
 */
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory, WorkflowInternalsInterceptor, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => {
  let otel: { inbound: OpenTelemetryInboundInterceptor; outbound: OpenTelemetryOutboundInterceptor; internals: OpenTelemetryInternalsInterceptor } | undefined;

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      // The start comes first in a workflow's first activation, before any update or activity.
      if (input.headers[TRACE_HEADER]) {
        otel = { inbound: new OpenTelemetryInboundInterceptor(), outbound: new OpenTelemetryOutboundInterceptor(), internals: new OpenTelemetryInternalsInterceptor() };
      }
      return otel ? otel.inbound.execute(input, next) : next(input);
    },
    handleUpdate: (input, next) => (otel ? otel.inbound.handleUpdate(input, next) : next(input)),
    validateUpdate: (input, next) => (otel ? otel.inbound.validateUpdate(input, next) : next(input)),
    handleSignal: (input, next) => (otel ? otel.inbound.handleSignal(input, next) : next(input)),
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (otel ? otel.outbound.scheduleActivity(input, next) : next(input)),
    scheduleLocalActivity: (input, next) => (otel ? otel.outbound.scheduleLocalActivity(input, next) : next(input)),
    startChildWorkflowExecution: (input, next) => (otel ? otel.outbound.startChildWorkflowExecution(input, next) : next(input)),
    continueAsNew: (input, next) => (otel ? otel.outbound.continueAsNew(input, next) : next(input)),
    signalWorkflow: (input, next) => (otel ? otel.outbound.signalWorkflow(input, next) : next(input)),
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose: (input, next) => (otel ? otel.internals.dispose(input, next) : next(input)),
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
