import { ApplicationFailure } from '@temporalio/workflow';
import { BookingFailure, type BookingPhase } from '../contracts/booking-workflow';

/** A refusal the booking API turns into an HTTP answer (contracts/booking-workflow.ts, BookingFailure). */
export function failure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** Why a booking that is no longer active refuses a confirm or a cancel. */
export function failureFor(phase: BookingPhase): ApplicationFailure {
  switch (phase) {
    case 'expired':
      return failure(BookingFailure.expired, 'the reservation has expired');
    case 'cancelled':
      return failure(BookingFailure.cancelled, 'the reservation was cancelled');
    case 'confirmed':
      return failure(BookingFailure.confirmed, 'the reservation is already confirmed');
    default:
      return failure(BookingFailure.notReady, `the reservation is not active (${phase})`);
  }
}
