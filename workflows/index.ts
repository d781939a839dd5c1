// The worker's workflow entry: every workflow type it runs.
export { BookingWorkflow } from './booking';
export { EventCancellationWorkflow, RefundBookingWorkflow } from './event-cancellation';
