import { describe, expect, it } from 'vitest'

import { ApiError, NETWORK_ERROR_TYPE, problemFromBody, toApiError } from './errors'

const problemResponse = (status: number, body: unknown, contentType = 'application/problem+json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } })

describe('toApiError', () => {
  it('reads a problem+json body with per-field errors', async () => {
    const err = await toApiError(
      problemResponse(422, {
        type: 'https://co2calc.org/problems/validation',
        title: 'Invalid input',
        status: 422,
        detail: 'Some fields are invalid.',
        instance: '/api/units',
        errors: [
          { loc: ['query', 'page_size'], field: 'page_size', type: 'less_than_equal', message: 'Input should be ≤ 500' },
          { loc: ['body', 'entries', 0, 'fte'], message: 'Input should be ≤ 1' },
          { field: 'name', message: 'Required' },
          { nonsense: true },
        ],
      }),
    )
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toBeInstanceOf(Error)
    expect(err.status).toBe(422)
    expect(err.type).toBe('https://co2calc.org/problems/validation')
    expect(err.is('validation')).toBe(true)
    expect(err.title).toBe('Invalid input')
    expect(err.detail).toBe('Some fields are invalid.')
    expect(err.message).toBe('Some fields are invalid.')
    expect(err.instance).toBe('/api/units')
    expect(err.errors).toEqual([
      { field: 'page_size', loc: ['query', 'page_size'], type: 'less_than_equal', message: 'Input should be ≤ 500' },
      { field: 'body.entries.0.fte', loc: ['body', 'entries', '0', 'fte'], message: 'Input should be ≤ 1' },
      { field: 'name', message: 'Required' },
    ])
    expect(err.fieldErrors()).toEqual({
      page_size: 'Input should be ≤ 500',
      'body.entries.0.fte': 'Input should be ≤ 1',
      name: 'Required',
    })
  })

  it('reads a 401 problem as unauthenticated', async () => {
    const err = await toApiError(
      problemResponse(401, { type: 'https://co2calc.org/problems/unauthenticated', title: 'Sign-in required', status: 401 }),
    )
    expect(err.isUnauthenticated).toBe(true)
    expect(err.detail).toBe('')
    expect(err.errors).toBeUndefined()
  })

  it('keeps the HTTP status when the body disagrees', async () => {
    const err = await toApiError(problemResponse(403, { status: 200, title: 'Not allowed', type: 'x' }))
    expect(err.status).toBe(403)
  })

  it('survives a non-JSON error page', async () => {
    const err = await toApiError(
      new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }),
    )
    expect(err.status).toBe(502)
    expect(err.type).toBe('about:blank')
    expect(err.title).toBe('Bad Gateway')
  })

  it('survives a truncated JSON body', async () => {
    const err = await toApiError(
      new Response('{"type": "ht', { status: 500, headers: { 'Content-Type': 'application/problem+json' } }),
    )
    expect(err.status).toBe(500)
    expect(err.title).toBe('HTTP 500')
  })
})

describe('problemFromBody', () => {
  it('is an ApiError with the network type for status 0 callers', () => {
    const err = problemFromBody(0, '', undefined)
    expect(err.type).toBe('about:blank')
    expect(NETWORK_ERROR_TYPE).toMatch(/^urn:/)
  })
})

describe('errorsForFields', () => {
  it('maps each error to the form field its location names', () => {
    const err = problemFromBody(422, '', {
      type: 'https://co2calc.org/problems/validation',
      title: 'Invalid',
      errors: [
        { loc: ['body', 'data', 'origin'], message: 'String should match pattern' },
        { field: 'data.fte', message: 'Input should be ≤ 1' },
        { loc: ['body', 'data'], message: 'origin and destination must differ' },
      ],
    })
    expect(err.errorsForFields(['origin', 'destination', 'fte'])).toEqual({
      origin: 'String should match pattern',
      fte: 'Input should be ≤ 1',
      '': 'origin and destination must differ',
    })
  })
})
