// The worker's workflow entry: every workflow type it runs, each the implementation of its contract.
import type { BookingWorkflowType, EventCancellationWorkflowType, RefundBookingWorkflowType } from '../contracts/booking-workflow';
import { BookingWorkflow } from './booking';
import { EventCancellationWorkflow, RefundBookingWorkflow } from './event-cancellation';

export { BookingWorkflow, EventCancellationWorkflow, RefundBookingWorkflow };

// Callers start workflows by name (contracts/booking-workflow.ts); these fail to compile if a signature drifts from its contract.
BookingWorkflow satisfies BookingWorkflowType;
EventCancellationWorkflow satisfies EventCancellationWorkflowType;
RefundBookingWorkflow satisfies RefundBookingWorkflowType;
