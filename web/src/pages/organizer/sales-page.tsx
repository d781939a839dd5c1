import { useEffect } from 'preact/hooks';
import { salesReport } from '../../api/organizer';
import { Link } from '../../components/link';
import { Loaded } from '../../components/loading';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatMoney, formatTotal } from '../../lib/money';
import { formatDateTime, formatTime } from '../../lib/time';

const REFRESH_MS = 5_000;

/** An event's sales per date, refreshing by itself every few seconds. */
export function SalesPage({ id }: { id: string }) {
  const report = useAsync(() => salesReport(id), [id]);
  usePageTitle(report.data ? `Sales: ${report.data.title}` : 'Sales');
  useEffect(() => {
    const t = setInterval(report.reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [report.reload]);
  return (
    <Loaded state={report}>
      {(r) => (
        <section>
          <h1 tabIndex={-1}>Sales: {r.title}</h1>
          <p class="muted">
            Updated {formatTime(r.generatedAt)}, every {REFRESH_MS / 1000} seconds. <Link href={`/organizer/events/${id}`}>Back to the event</Link>
          </p>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Sales per date</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col" class="num">Capacity</th>
                  <th scope="col" class="num">Sold</th>
                  <th scope="col" class="num">Held</th>
                  <th scope="col" class="num">Available</th>
                  <th scope="col" class="num">Revenue</th>
                  <th scope="col" class="num">Checked in</th>
                </tr>
              </thead>
              <tbody>
                {r.sessions.map((s) => (
                  <tr key={s.sessionId}>
                    <th scope="row">{formatDateTime(s.startsAt)}</th>
                    <td class="num">{s.capacity}</td>
                    <td class="num">{s.sold}</td>
                    <td class="num">{s.reserved}</td>
                    <td class="num">{s.available}</td>
                    <td class="num">{formatMoney(s.revenue)}</td>
                    <td class="num">{s.checkIns}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td class="num">{r.totals.capacity}</td>
                  <td class="num">{r.totals.sold}</td>
                  <td class="num">{r.totals.reserved}</td>
                  <td class="num">{r.totals.available}</td>
                  {/* Summed from the rows: with nothing sold yet the report's per-currency totals are empty, the rows still name their currency. */}
                  <td class="num">{formatTotal(r.sessions.map((s) => s.revenue))}</td>
                  <td class="num">{r.totals.checkIns}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </section>
      )}
    </Loaded>
  );
}
