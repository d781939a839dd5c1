import type { ComponentChildren } from 'preact';
import type { Role } from '../api/types';
import { Link } from './link';
import { useUser } from './use-auth';

/** Shows its page to signed-in users (with one of the roles, if given); tells everyone else what to do. */
export function RequireRole({ roles, children }: { roles?: Role[]; children: ComponentChildren }) {
  const user = useUser();
  if (!user) {
    return (
      <section>
        <h1 tabIndex={-1}>Sign in to continue</h1>
        <p>
          <Link href={`/sign-in?next=${encodeURIComponent(location.pathname)}`} class="button">
            Sign in
          </Link>
        </p>
      </section>
    );
  }
  if (roles && !roles.some((r) => user.roles.includes(r))) {
    return (
      <section>
        <h1 tabIndex={-1}>Not available to your account</h1>
        <p>This page is for {roles.join(' or ')} accounts. Roles change when an admin grants them; sign in again to pick up a new role.</p>
      </section>
    );
  }
  return <>{children}</>;
}
