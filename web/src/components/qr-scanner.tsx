import { useEffect, useRef, useState } from 'preact/hooks';

/** The Barcode Detection API, where the browser has it (Chrome on Android, Safari 17+...); not yet in TypeScript's DOM types. */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: { new (o: { formats: string[] }): BarcodeDetectorLike; getSupportedFormats?(): Promise<string[]> };
  }
}

const SCAN_EVERY_MS = 200;

/** A decoder of one video frame: the browser's BarcodeDetector, else jsQR (loaded only when needed, ~45 KB). */
async function createDecoder(): Promise<(video: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | undefined>> {
  const native = window.BarcodeDetector;
  if (native && (!native.getSupportedFormats || (await native.getSupportedFormats()).includes('qr_code'))) {
    const detector = new native({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  }
  const { default: jsQR } = await import('jsqr');
  return async (video, canvas) => {
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (!w || !h) return undefined;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0, w, h);
    return jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' })?.data;
  };
}

/**
 * The phone's camera as a QR reader. Each code read is handed on once; the
 * same code is ignored for a few seconds so a ticket held in front of the
 * camera is not scanned over and over.
 */
export function QrScanner({ onCode }: { onCode(code: string): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [on, setOn] = useState(false);
  const [error, setError] = useState<string>();
  const last = useRef({ code: '', at: 0 });

  useEffect(() => {
    if (!on) return;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped) return;
        video.current!.srcObject = stream;
        await video.current!.play();
        const decode = await createDecoder();
        const tick = async () => {
          if (stopped) return;
          const code = await decode(video.current!, canvas.current!).catch(() => undefined);
          const now = Date.now();
          if (code && (code !== last.current.code || now - last.current.at > 3_000)) {
            last.current = { code, at: now };
            onCode(code);
          }
          timer = setTimeout(() => void tick(), SCAN_EVERY_MS);
        };
        void tick();
      } catch (err) {
        setError(`The camera could not be used (${(err as Error).message}). Type the code instead.`);
        setOn(false);
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [on]);

  return (
    <div class="scanner">
      <button type="button" class="secondary" onClick={() => (setError(undefined), setOn(!on))}>
        {on ? 'Stop camera' : 'Scan with the camera'}
      </button>
      {on && <video ref={video} muted playsInline aria-label="Camera view: hold the ticket's QR code in front of it" />}
      <canvas ref={canvas} hidden />
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
