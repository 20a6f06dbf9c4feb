/** /api/auth — the session of the signed-in user. */
import { API_BASE, api } from './client'
import type { ResponseOf, Schemas } from './types'

export type Session = ResponseOf<'/api/auth/session', 'get'>
export type SessionUser = Schemas['SessionUser']
export type RoleGrant = Schemas['SessionRole']
export type RoleName = RoleGrant['role']
export type Permissions = Schemas['Permissions']

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
