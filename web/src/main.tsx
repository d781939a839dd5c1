import { render } from 'preact';
import { restoreSignIn } from './api/auth';
import { App } from './app';
import './styles.css';

// A reload keeps the tab signed in (its refresh token is in sessionStorage): restore it before the first render,
// so pages that need a sign-in do not flash a "sign in" prompt.
restoreSignIn()
  .catch(() => undefined)
  .finally(() => render(<App />, document.getElementById('app')!));
