import type { DoorVerdict } from '../../lib/offline-door';
import { formatTime } from '../../lib/time';

const REASONS: Record<string, string> = {
  malformed: 'Not a ticket of this platform',
  'bad-signature': 'Forged or altered code',
  'legacy-code-expired': 'Older ticket for an event that has passed',
  'unknown-ticket': 'No such ticket',
  'claims-mismatch': 'Code does not match its ticket',
  voided: 'Voided (refunded) ticket',
  'other-event': 'Ticket for another event',
  forbidden: 'Not allowed to scan this event',
};

/** The answer at the door, big enough to read at arm's length, in colour and in words. */
export function DoorResult({ verdict, seat }: { verdict: DoorVerdict; seat?: string }) {
  if (verdict.result === 'admitted') {
    return (
      <div class="door-result door-admitted" role="alert" data-testid="door-result">
        <span class="verdict">✓ Admitted</span>
        {seat && <p>{seat}</p>}
        {verdict.offline && <p>Checked offline: will sync when back online.</p>}
      </div>
    );
  }
  if (verdict.result === 'already') {
    return (
      <div class="door-result door-already" role="alert" data-testid="door-result">
        <span class="verdict">! Already admitted</span>
        <p>
          {verdict.admittedAt ? `First scanned at ${formatTime(verdict.admittedAt)}` : verdict.detail}
          {verdict.door ? ` at door ${verdict.door}` : ''}
        </p>
      </div>
    );
  }
  if (verdict.result === 'online-only') {
    return (
      <div class="door-result door-online-only" role="alert" data-testid="door-result">
        <span class="verdict">? Check online</span>
        <p>This older ticket can only be checked online.</p>
        <p>Not admitted: scan it again when this device is back online, or at a door that is online.</p>
      </div>
    );
  }
  return (
    <div class="door-result door-invalid" role="alert" data-testid="door-result">
      <span class="verdict">✗ Not valid</span>
      <p>{REASONS[verdict.reason] ?? verdict.reason}</p>
      {verdict.detail && <p>{verdict.detail}</p>}
    </div>
  );
}
