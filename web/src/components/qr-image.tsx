import { useEffect, useState } from 'preact/hooks';
import { ticketQr } from '../api/booking';

/**
 * A ticket's QR code as the API draws it (GET /api/v1/tickets/{id}/qr, a PNG
 * behind the bearer token, so an <img src> cannot fetch it): fetched, shown
 * from a blob URL, released when the ticket leaves the screen.
 */
export function QrImage({ ticketId, label }: { ticketId: string; label: string }) {
  const [url, setUrl] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let objectUrl: string | undefined;
    let current = true;
    ticketQr(ticketId).then(
      (blob) => {
        if (!current) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [ticketId]);
  if (failed) return <p class="muted">The QR code could not be loaded.</p>;
  return url ? <img class="qr" src={url} alt={label} width={180} height={180} /> : <div class="qr qr-loading" role="status">Loading QR code…</div>;
}
