import { useEffect, useState } from 'preact/hooks';
import { currentUser, onAuthChange } from '../api/auth';

/** The signed-in user (undefined when signed out); re-renders on sign-in, sign-out and role changes. */
export function useUser() {
  const [user, setUser] = useState(currentUser());
  useEffect(() => onAuthChange(() => setUser(currentUser())), []);
  return user;
}
