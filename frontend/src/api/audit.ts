/** /api/audit — the audit trail (global administrators). */
import { api, buildUrl } from './client'
import type { Page, QueryOf, Schemas } from './types'
import { withSignal } from './types'

export type AuditEntry = Schemas['AuditEntry']
export type AuditQuery = QueryOf<'/api/audit', 'get'>
export type AuditFilters = Omit<AuditQuery, 'page' | 'page_size' | 'sort'>

export function listAudit(query: AuditQuery = {}, signal?: AbortSignal): Promise<Page<AuditEntry>> {
  return api.get<Page<AuditEntry>>('/audit', { query: { ...query }, ...withSignal(signal) })
}

export function auditExportUrl(filters: AuditFilters): string {
  return buildUrl('/audit/export', { ...filters, format: 'csv' })
}
