import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { signOut } from './api/auth';
import type { Role } from './api/types';
import { Link } from './components/link';
import { RequireRole } from './components/require-role';
import { useUser } from './components/use-auth';
import { AdminPage } from './pages/admin/admin-page';
import { BookingPage } from './pages/buyer/booking-page';
import { BookingsPage } from './pages/buyer/bookings-page';
import { EventPage } from './pages/buyer/event-page';
import { EventsPage } from './pages/buyer/events-page';
import { SessionPage } from './pages/buyer/session-page';
import { TicketsPage } from './pages/buyer/tickets-page';
import { DoorPage } from './pages/door/door-page';
import { NotFoundPage } from './pages/not-found';
import { EventManagePage } from './pages/organizer/event-manage-page';
import { NewEventPage } from './pages/organizer/new-event-page';
import { OrganizerHome } from './pages/organizer/organizer-home';
import { SalesPage } from './pages/organizer/sales-page';
import { VenuesPage } from './pages/organizer/venues-page';
import { SignInPage } from './pages/sign-in-page';
import { matchPath, navigate, useLocation } from './router';

type Params = Record<string, string>;
const signedIn = (page: JSX.Element) => <RequireRole>{page}</RequireRole>;
const withRole = (roles: Role[], page: JSX.Element) => <RequireRole roles={roles}>{page}</RequireRole>;

/** Every page of the app by path; the first match wins. */
const ROUTES: [string, (p: Params) => JSX.Element][] = [
  ['/', () => <EventsPage />],
  ['/events/:id', (p) => <EventPage id={p.id!} />],
  ['/sessions/:id', (p) => <SessionPage id={p.id!} />],
  ['/sign-in', () => <SignInPage />],
  ['/tickets', () => signedIn(<TicketsPage />)],
  ['/bookings', () => signedIn(<BookingsPage />)],
  ['/bookings/:id', (p) => signedIn(<BookingPage id={p.id!} />)],
  ['/organizer', () => signedIn(<OrganizerHome />)],
  ['/organizer/venues', () => withRole(['organizer'], <VenuesPage />)],
  ['/organizer/events/new', () => withRole(['organizer'], <NewEventPage />)],
  ['/organizer/events/:id', (p) => withRole(['organizer'], <EventManagePage id={p.id!} />)],
  ['/organizer/events/:id/sales', (p) => withRole(['organizer', 'admin'], <SalesPage id={p.id!} />)],
  ['/door', () => withRole(['staff', 'organizer'], <DoorPage />)],
  ['/admin', () => withRole(['admin'], <AdminPage />)],
];

export function App() {
  const { path } = useLocation();
  const user = useUser();
  let page: JSX.Element = <NotFoundPage />;
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) {
      page = render(params);
      break;
    }
  }

  // After a navigation, move focus to the new page's heading so screen readers announce it.
  useEffect(() => {
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1 && document.activeElement === document.body) h1.focus({ preventScroll: true });
  }, [path]);

  const has = (...roles: Role[]) => !!user && roles.some((r) => user.roles.includes(r));
  const link = (href: string, label: string) => (
    <li>
      <Link href={href} aria-current={path === href ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <Link href="/" class="brand">
          Tickets
        </Link>
        <nav aria-label="Main">
          <ul>
            {link('/', 'Events')}
            {user && link('/tickets', 'My tickets')}
            {user && link('/bookings', 'Bookings')}
            {has('organizer') && link('/organizer', 'Organizer')}
            {has('staff', 'organizer') && link('/door', 'Door')}
            {has('admin') && link('/admin', 'Admin')}
            <li>
              {user ? (
                <button type="button" class="link-button" onClick={() => void signOut().then(() => navigate('/'))}>
                  Sign out <span class="visually-hidden">{user.email}</span>
                </button>
              ) : (
                <Link href={`/sign-in?next=${encodeURIComponent(path)}`}>Sign in</Link>
              )}
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
