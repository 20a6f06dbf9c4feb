import { describe, expect, it } from 'vitest'

import { ApiError } from '@/api/errors'

import { latestRequest } from './latestRequest'

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('latestRequest', () => {
  it('applies only the latest answer and aborts the earlier request', async () => {
    const { run, isLoading } = latestRequest()
    const applied: string[] = []
    const slow = deferred<string>()
    let firstSignal: AbortSignal | null = null
    const first = run(
      (signal) => {
        firstSignal = signal
        return slow.promise
      },
      (v) => applied.push(v),
    )
    const second = run(async () => 'second', (v) => applied.push(v))
    await second
    slow.resolve('first')
    await first
    expect(firstSignal!.aborted).toBe(true)
    expect(applied).toEqual(['second'])
    expect(isLoading.value).toBe(false)
  })

  it('keeps an ApiError for the page and calls onError; other errors are thrown', async () => {
    const { run, error } = latestRequest()
    let cleared = false
    const problem = new ApiError({ status: 422, type: 'about:blank', title: 'Invalid', detail: 'bad' })
    await run(() => Promise.reject(problem), () => {}, () => (cleared = true))
    expect(error.value).toBe(problem)
    expect(cleared).toBe(true)
    await expect(run(() => Promise.reject(new TypeError('bug')), () => {})).rejects.toThrow('bug')
  })
})
