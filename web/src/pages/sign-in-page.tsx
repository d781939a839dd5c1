import { useState } from 'preact/hooks';
import { register, signIn } from '../api/auth';
import { messageOf } from '../api/errors';
import { Notice } from '../components/notice';
import { usePageTitle } from '../components/use-page-title';
import { navigate, useLocation } from '../router';

/** Sign in, or create a customer account; then back to where the buyer was (?next=). */
export function SignInPage() {
  const { query } = useLocation();
  const [mode, setMode] = useState<'sign-in' | 'register'>('sign-in');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  usePageTitle(mode === 'sign-in' ? 'Sign in' : 'Create an account');
  const next = query.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') && next !== '/sign-in' ? next : '/';

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'sign-in') await signIn(email, password);
      else await register(String(form.get('name')), email, password);
      navigate(target, { replace: true });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{mode === 'sign-in' ? 'Sign in' : 'Create an account'}</h1>
      {error && <Notice tone="error" title={mode === 'sign-in' ? 'Could not sign in' : 'Could not create the account'}>{error}</Notice>}
      <form onSubmit={onSubmit}>
        {mode === 'register' && (
          <>
            <label for="name">Your name</label>
            <input id="name" name="name" autocomplete="name" required />
          </>
        )}
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete={mode === 'sign-in' ? 'current-password' : 'new-password'} required minLength={mode === 'register' ? 10 : 1} />
        {mode === 'register' && <p class="hint">At least 10 characters; not a common password, and not your email's name.</p>}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {mode === 'sign-in' ? 'Sign in' : 'Create account'}
          </button>
          <button type="button" class="secondary" onClick={() => (setMode(mode === 'sign-in' ? 'register' : 'sign-in'), setError(undefined))}>
            {mode === 'sign-in' ? 'New here? Create an account' : 'I have an account'}
          </button>
        </div>
      </form>
    </section>
  );
}
