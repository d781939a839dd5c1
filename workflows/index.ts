// The worker's workflow entry: every workflow type it runs.
export { BookingWorkflow } from './booking';
