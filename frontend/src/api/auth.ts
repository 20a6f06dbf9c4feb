/** /api/auth — the session of the signed-in user. */
import { API_BASE, api } from './client'

export type RoleName = 'standard' | 'principal' | 'affiliation' | 'admin'

export interface SessionUser {
  id: string
  display_name: string
  email: string | null
}

export interface RoleGrant {
  role: RoleName
  unit_id: number | null
  unit_code: string | null
}

export interface Permissions {
  admin: boolean
  /** Ids of the units the user may work in. */
  units: number[]
}

export interface Session {
  user: SessionUser
  roles: RoleGrant[]
  permissions: Permissions
  csrf_token: string
}

/** The current session; rejects with a 401 `ApiError` when nobody is signed in. */
export function getSession(signal?: AbortSignal): Promise<Session> {
  return api.get<Session>('/auth/session', signal ? { signal } : {})
}

export function logout(): Promise<void> {
  return api.post<void>('/auth/logout')
}

/**
 * Where to send the whole window to sign in; the server returns to `returnTo`
 * (a same-site path) once the institution's identity provider is done.
 */
export function loginUrl(returnTo: string): string {
  return `${API_BASE}/auth/login?return_to=${encodeURIComponent(returnTo)}`
}
