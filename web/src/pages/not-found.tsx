import { Link } from '../components/link';
import { usePageTitle } from '../components/use-page-title';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        <Link href="/">Browse events</Link>
      </p>
    </section>
  );
}
