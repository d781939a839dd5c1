import { api } from './http';
import type { Application, AuditEntry, Role, User } from './types';

export const listApplications = (status?: Application['status']) =>
  api.get<{ items: Application[] }>('/api/v1/organizer-applications', { query: { status } }).then((b) => b.items);
export const approveApplication = (id: string) => api.post<Application>(`/api/v1/organizer-applications/${id}/approve`);
export const rejectApplication = (id: string, reason?: string) =>
  api.post<Application>(`/api/v1/organizer-applications/${id}/reject`, reason ? { reason } : {});
export const grantRole = (userId: string, role: Role) => api.post<User>(`/api/v1/users/${userId}/roles`, { role });
export const revokeRole = (userId: string, role: Role) => api.delete<User>(`/api/v1/users/${userId}/roles/${role}`);
export const auditLog = (before?: number, action?: string) =>
  api.get<{ items: AuditEntry[]; nextBefore: number | null }>('/api/v1/admin/audit-log', { query: { before, action, limit: 50 } });
