/**
 * The latest of a series of requests wins: starting one aborts the one before,
 * `isLoading` follows the latest, an `ApiError` lands in `error` (anything else
 * is a bug and is thrown), and an aborted request changes nothing.
 */
import { ref } from 'vue'

import { ApiError } from '@/api/errors'

export function latestRequest() {
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  let controller: AbortController | null = null

  /** Run `fetch`; `apply` its answer unless a later request started; `onError` on an ApiError. */
  async function run<T>(
    fetch: (signal: AbortSignal) => Promise<T>,
    apply: (out: T) => void,
    onError?: () => void,
  ): Promise<void> {
    controller?.abort()
    const own = new AbortController()
    controller = own
    isLoading.value = true
    error.value = null
    try {
      const out = await fetch(own.signal)
      if (!own.signal.aborted) apply(out)
    } catch (e) {
      if (own.signal.aborted) return
      if (!(e instanceof ApiError)) throw e
      error.value = e
      onError?.()
    } finally {
      if (controller === own) {
        isLoading.value = false
        controller = null
      }
    }
  }

  return { isLoading, error, run }
}
