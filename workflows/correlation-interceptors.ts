/**
 * Carries a booking's correlation (contracts/correlation.ts) from the
 * headers of what reached the workflow (its start, an update, a signal) to
 * the headers of every activity it schedules, so the activity's calls and
 * log lines carry the same request and reservation ids. Headers only: the
 * workflow's input, commands and histories are the same with or without
 * them (test/workflow/replay.test.ts replays the recorded histories through
 * this module). Loaded into the workflow bundle by services/worker/bundle.ts.
 */
import {
  AsyncLocalStorage,
  type ActivityInput,
  type ContinueAsNewInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { correlationHeaders, correlationOf, type Correlation } from '../contracts/correlation';

/** The correlation of the code running now: the workflow body's, or the update's or signal's whose handler this is. */
const scope = new AsyncLocalStorage<Correlation>();

export const interceptors: WorkflowInterceptorsFactory = () => {
  /** The start's correlation: what a handler's own headers do not name comes from it. */
  let started: Correlation = {};
  const current = () => scope.getStore() ?? started;
  const inHandler = <T>(headers: UpdateInput['headers'], fn: () => T): T => scope.run({ ...started, ...correlationOf(headers) }, fn);

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      started = correlationOf(input.headers);
      return scope.run(started, () => next(input));
    },
    handleUpdate: (input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) => inHandler(input.headers, () => next(input)),
    handleSignal: (input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) => inHandler(input.headers, () => next(input)),
  };

  /** A call the workflow makes, with the correlation of the code making it added to its headers. */
  const carry = <T extends { headers: UpdateInput['headers'] }>(input: T): T => ({ ...input, headers: { ...input.headers, ...correlationHeaders(current()) } });
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) => next(carry(input)),
    scheduleLocalActivity: (input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) => next(carry(input)),
    startChildWorkflowExecution: (input: StartChildWorkflowExecutionInput, next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>) => next(carry(input)),
    continueAsNew: (input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) => next(carry(input)),
    // The workflow's own log lines (the Runtime logger, forwarded to pino) carry the ids too.
    getLogAttributes: (input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) => next({ ...input, ...current() }),
  };

  return { inbound: [inbound], outbound: [outbound] };
};
