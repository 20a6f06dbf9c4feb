/** The signed-in user's session: who, which roles, what they may do, and the CSRF token. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { getSession, logout, type RoleName, type Session } from '@/api/auth'
import { ApiError } from '@/api/errors'

export type SessionStatus = 'idle' | 'loading' | 'ready' | 'error'

export const useSessionStore = defineStore('session', () => {
  const session = ref<Session | null>(null)
  const status = ref<SessionStatus>('idle')
  /** Set when the session could not be checked (server down…); a 401 is not an error. */
  const error = ref<ApiError | null>(null)
  let inFlight: Promise<void> | null = null

  const user = computed(() => session.value?.user ?? null)
  const roles = computed(() => session.value?.roles ?? [])
  const isSignedIn = computed(() => session.value !== null)
  const isAdmin = computed(() => session.value?.permissions.admin === true)
  const unitIds = computed(() => session.value?.permissions.units ?? [])
  const csrfToken = computed(() => session.value?.csrf_token ?? null)
  /** Units the user may edit, validate and sign off (principals, admins). */
  const manageIds = computed(() => session.value?.permissions.manage ?? [])

  /** Principal rights on a unit: validate modules and sign the year off. */
  function canManage(unitId: number): boolean {
    return isAdmin.value || manageIds.value.includes(unitId)
  }

  /**
   * May the user add, edit and delete rows of a module of this unit? Managers and
   * admins: every unit-writable module (admins also the others); members: their
   * own rows of own-scope modules (the server filters and checks each row).
   */
  function canEditModule(unitId: number, module: { ownScope: boolean; unitWritable: boolean }): boolean {
    if (isAdmin.value) return true
    if (!module.unitWritable) return false
    if (manageIds.value.includes(unitId)) return true
    return module.ownScope && roles.value.some((r) => r.unit_id === unitId)
  }

  /** The role names the user holds on one unit ("principal", "standard"…). */
  function rolesFor(unitId: number): RoleName[] {
    const names = roles.value.filter((r) => r.unit_id === unitId).map((r) => r.role)
    return [...new Set(names)]
  }

  /** The units the user has a role in (their workspace), with the role's unit code. */
  const workspaceUnits = computed(() => {
    const seen = new Map<number, { unitId: number; code: string | null }>()
    for (const r of roles.value) {
      if (r.unit_id !== null && !seen.has(r.unit_id)) seen.set(r.unit_id, { unitId: r.unit_id, code: r.unit_code })
    }
    for (const id of manageIds.value) if (!seen.has(id)) seen.set(id, { unitId: id, code: null })
    return [...seen.values()]
  })

  /** Fetch the session from the server (again). Concurrent callers share one request. */
  function load(): Promise<void> {
    inFlight ??= (async () => {
      status.value = 'loading'
      try {
        session.value = await getSession()
        error.value = null
        status.value = 'ready'
      } catch (e) {
        session.value = null
        if (e instanceof ApiError && e.status === 401) {
          error.value = null
          status.value = 'ready'
        } else {
          error.value = e instanceof ApiError ? e : null
          status.value = 'error'
          if (!(e instanceof ApiError)) throw e
        }
      } finally {
        inFlight = null
      }
    })()
    return inFlight
  }

  /** Load the session once; later calls are free until `clear()` or `load()`. */
  async function ensureLoaded(): Promise<void> {
    if (status.value === 'ready') return
    await load()
  }

  /** Forget the session locally (e.g. after the server answered 401). */
  function clear(): void {
    session.value = null
    error.value = null
    status.value = 'ready'
  }

  /** End the session on the server, then locally. */
  async function signOut(): Promise<void> {
    try {
      await logout()
    } catch (e) {
      // Already signed out on the server: that is what we wanted.
      if (!(e instanceof ApiError && e.status === 401)) throw e
    }
    clear()
  }

  return {
    session,
    status,
    error,
    user,
    roles,
    isSignedIn,
    isAdmin,
    unitIds,
    csrfToken,
    manageIds,
    canManage,
    canEditModule,
    rolesFor,
    workspaceUnits,
    load,
    ensureLoaded,
    clear,
    signOut,
  }
})
