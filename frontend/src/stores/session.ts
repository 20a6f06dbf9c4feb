/** The signed-in user's session: who, which roles, what they may do, and the CSRF token. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { getSession, logout, type Session } from '@/api/auth'
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
    load,
    ensureLoaded,
    clear,
    signOut,
  }
})
