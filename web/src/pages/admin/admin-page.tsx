import { useState } from 'preact/hooks';
import { approveApplication, auditLog, grantRole, listApplications, rejectApplication, revokeRole } from '../../api/admin';
import { messageOf } from '../../api/errors';
import type { Application, AuditEntry, Role } from '../../api/types';
import { Loaded } from '../../components/loading';
import { Notice } from '../../components/notice';
import { useAsync } from '../../components/use-async';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../lib/time';

const ROLES: Role[] = ['customer', 'organizer', 'staff', 'admin'];

/**
 * Admin: organizer applications, role grants and the audit log. The public
 * API has no user search, so roles are granted by user id: applications
 * and audit entries (e.g. "user.registered") show the ids.
 */
export function AdminPage() {
  usePageTitle('Admin');
  const [userId, setUserId] = useState('');
  return (
    <section>
      <h1 tabIndex={-1}>Admin</h1>
      <Applications onPickUser={setUserId} />
      <Roles userId={userId} setUserId={setUserId} />
      <AuditLog onPickUser={setUserId} />
    </section>
  );
}

function Applications({ onPickUser }: { onPickUser(id: string): void }) {
  const [status, setStatus] = useState<Application['status'] | ''>('pending');
  const list = useAsync(() => listApplications(status || undefined), [status]);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string }>();
  const decide = async (a: Application, approve: boolean) => {
    const reason = approve ? undefined : (window.prompt(`Reason for rejecting ${a.organizationName} (optional)`) ?? undefined);
    try {
      if (approve) await approveApplication(a.id);
      else await rejectApplication(a.id, reason || undefined);
      setMessage({ tone: 'success', text: `${a.organizationName}: ${approve ? 'approved; the applicant is now an organizer' : 'rejected'}.` });
      list.reload();
    } catch (err) {
      setMessage({ tone: 'error', text: messageOf(err) });
    }
  };
  return (
    <section aria-labelledby="applications-title">
      <h2 id="applications-title">Organizer applications</h2>
      <label for="application-status">Show</label>
      <select id="application-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as Application['status'] | '')}>
        <option value="pending">Pending</option>
        <option value="approved">Approved</option>
        <option value="rejected">Rejected</option>
        <option value="">All</option>
      </select>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <Loaded state={list}>
        {(items) =>
          items.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul class="cards">
              {items.map((a) => (
                <li key={a.id} class="card">
                  <h3>{a.organizationName}</h3>
                  <p>
                    {a.applicant.name} &lt;{a.applicant.email}&gt; · {formatDateTime(a.createdAt)} · <span class="tag">{a.status}</span>
                  </p>
                  <p>{a.details}</p>
                  {a.reason && <p class="muted">Reason: {a.reason}</p>}
                  <div class="actions">
                    {a.status === 'pending' && (
                      <>
                        <button type="button" onClick={() => void decide(a, true)}>
                          Approve <span class="visually-hidden">{a.organizationName}</span>
                        </button>
                        <button type="button" class="secondary" onClick={() => void decide(a, false)}>
                          Reject <span class="visually-hidden">{a.organizationName}</span>
                        </button>
                      </>
                    )}
                    <button type="button" class="link-button" onClick={() => onPickUser(a.applicant.id)}>
                      Manage roles of {a.applicant.name}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function Roles({ userId, setUserId }: { userId: string; setUserId(id: string): void }) {
  const [role, setRole] = useState<Role>('staff');
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string }>();
  const change = async (grant: boolean) => {
    try {
      const user = grant ? await grantRole(userId.trim(), role) : await revokeRole(userId.trim(), role);
      setMessage({ tone: 'success', text: `${user.email} now has: ${user.roles.join(', ')}. The change shows in their next sign-in or token refresh.` });
    } catch (err) {
      setMessage({ tone: 'error', text: messageOf(err) });
    }
  };
  return (
    <section aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <p class="hint">Users are found by id: pick one from an application or the audit log below.</p>
      <div class="form-grid">
        <div>
          <label for="role-user">User id</label>
          <input id="role-user" value={userId} onInput={(e) => setUserId((e.target as HTMLInputElement).value)} />
        </div>
        <div>
          <label for="role-name">Role</label>
          <select id="role-name" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
      </div>
      <div class="actions">
        <button type="button" disabled={!userId.trim()} onClick={() => void change(true)}>
          Grant
        </button>
        <button type="button" class="secondary" disabled={!userId.trim()} onClick={() => void change(false)}>
          Revoke
        </button>
      </div>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
    </section>
  );
}

function AuditLog({ onPickUser }: { onPickUser(id: string): void }) {
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const before = pages[pages.length - 1];
  const page = useAsync(() => auditLog(before), [before]);
  const who = (id: string | null) =>
    id ? (
      <button type="button" class="link-button" onClick={() => onPickUser(id)} title="Use this id in Roles">
        {id.slice(0, 8)}
      </button>
    ) : (
      '—'
    );
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <Loaded state={page}>
        {(p) => (
          <>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Audit log, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Action</th>
                    <th scope="col">By</th>
                    <th scope="col">About</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((e: AuditEntry) => (
                    <tr key={e.id}>
                      <td>{formatDateTime(e.at)}</td>
                      <td>{e.action}</td>
                      <td>{who(e.actorId)}</td>
                      <td>{who(e.subjectId)}</td>
                      <td>
                        <code>{JSON.stringify(e.details)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav class="pager" aria-label="Audit log pages">
              <button type="button" class="secondary" disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
                Newer
              </button>
              <button type="button" class="secondary" disabled={p.nextBefore === null} onClick={() => setPages([...pages, p.nextBefore ?? undefined])}>
                Older
              </button>
            </nav>
          </>
        )}
      </Loaded>
    </section>
  );
}
