/**
 * /api/uploads — import templates, presigned uploads and import jobs.
 *
 * An import is three steps: ask for a grant (`createUpload`, which creates the
 * job), POST the file to the grant's same-origin URL (`sendFile`), then poll
 * the job (`getJob`) until it succeeded or failed.
 */
import { buildUrl, api } from './client'
import { networkError, toApiError } from './errors'
import type { BodyOf, QueryOf, ResponseOf, Schemas } from './types'
import { withSignal } from './types'

export type ImportJob = Schemas['ImportJob']
export type UploadGrant = ResponseOf<'/api/uploads', 'post'>
export type UploadRequest = BodyOf<'/api/uploads', 'post'>
export type TemplateFormat = NonNullable<QueryOf<'/api/uploads/templates/{module}/{submodule}', 'get'>['format']>

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** The template of a submodule, as a link the browser downloads. */
export function templateUrl(module: string, submodule: string, format: TemplateFormat): string {
  return buildUrl(`/uploads/templates/${encodeURIComponent(module)}/${encodeURIComponent(submodule)}`, { format })
}

/** The content type the server expects for a file name (.csv or .xlsx); '' for anything else (the server says why). */
export function contentTypeOf(filename: string): string {
  const ext = filename.toLowerCase().split('.').pop()
  return ext === 'xlsx' ? XLSX_TYPE : ext === 'csv' ? 'text/csv' : ''
}

export function createUpload(body: UploadRequest): Promise<UploadGrant> {
  return api.post<UploadGrant>('/uploads', body)
}

/** The browser's part of the presigned POST: the grant's fields, then the file. */
export async function sendFile(grant: UploadGrant, file: Blob, filename: string): Promise<void> {
  const form = new FormData()
  for (const [k, v] of Object.entries(grant.fields)) form.append(k, v)
  form.append('file', file, filename)
  let response: Response
  try {
    response = await fetch(grant.url, { method: 'POST', body: form, credentials: 'same-origin' })
  } catch (cause) {
    throw networkError(cause)
  }
  if (!response.ok) throw await toApiError(response)
}

export function getJob(jobId: string, signal?: AbortSignal): Promise<ImportJob> {
  return api.get<ImportJob>(`/uploads/jobs/${encodeURIComponent(jobId)}`, withSignal(signal))
}

export const isFinished = (job: ImportJob) => job.status === 'succeeded' || job.status === 'failed'
