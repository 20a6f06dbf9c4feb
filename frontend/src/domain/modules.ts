/**
 * The modules of a unit-year report and, per submodule, the entry fields the
 * generic module page shows (form, table columns, sort, filters).
 *
 * A declaration mirroring the server's module specs (co2calc.entries.spec and
 * the engine's entry models): no computation happens here — the server
 * validates every field (422 with per-field errors) and computes kg CO2e.
 */

export const MODULES = [
  'headcount',
  'travel',
  'buildings',
  'equipment',
  'purchases',
  'cloud-ai',
  'process-emissions',
  'research-facilities',
] as const
export type ModuleName = (typeof MODULES)[number]

export function isModuleName(value: unknown): value is ModuleName {
  return typeof value === 'string' && (MODULES as readonly string[]).includes(value)
}

export type FieldKind = 'text' | 'number' | 'integer' | 'select' | 'bool' | 'date'

export interface FieldSpec {
  name: string
  kind: FieldKind
  required?: boolean
  /** select: the allowed values (labels from i18n `options.<name>.<value>` when `translated`). */
  options?: readonly string[]
  translated?: boolean
  /** Upper-case the text as it is typed (IATA, country codes). */
  upper?: boolean
  maxlength?: number
  /** Default value of a new entry's form. */
  default?: string | number | boolean
  /**
   * Server-side autocomplete: airports (IATA code), rail stations (name) or
   * people of the unit-year's headcount (person id). Free text stays allowed.
   */
  suggest?: 'airport' | 'station' | 'person'
  /** station: the field a chosen station's country code goes to. */
  countryField?: string
}

export interface SubmoduleSpec {
  name: string
  fields: readonly FieldSpec[]
  sortable: readonly string[]
  filterable: readonly string[]
  searchable: boolean
}

export interface ModuleSpec {
  name: ModuleName
  /** Members may enter their own rows (travel, cloud and AI). */
  ownScope: boolean
  /** False: read-only for units (facilities; admins load the usage table). */
  unitWritable: boolean
  submodules: readonly SubmoduleSpec[]
}

const CURRENCIES = ['CHF', 'EUR', 'USD', 'GBP', 'JPY', 'CNY', 'CAD', 'AUD', 'SEK'] as const

const f = {
  text: (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, kind: 'text', maxlength: 200, ...extra }),
  num: (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, kind: 'number', ...extra }),
  int: (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, kind: 'integer', ...extra }),
  select: (name: string, options: readonly string[], extra: Partial<FieldSpec> = {}): FieldSpec => ({
    name,
    kind: 'select',
    options,
    ...extra,
  }),
  bool: (name: string): FieldSpec => ({ name, kind: 'bool', default: false }),
  date: (name: string): FieldSpec => ({ name, kind: 'date' }),
}

const EQUIPMENT_FIELDS = [
  f.text('inventory_id', { required: true, maxlength: 64 }),
  f.text('name', { required: true }),
  f.text('cls', { required: true }),
  f.text('subclass'),
  f.num('active_hours_week'),
  f.num('standby_hours_week'),
]
const equipment = (name: string): SubmoduleSpec => ({
  name,
  fields: EQUIPMENT_FIELDS,
  sortable: ['inventory_id', 'name', 'cls', 'subclass', 'active_hours_week', 'standby_hours_week'],
  filterable: ['cls', 'subclass'],
  searchable: true,
})

const SPEND_FIELDS = [
  f.text('item', { required: true }),
  f.text('supplier'),
  f.num('quantity', { default: 1 }),
  f.num('amount', { required: true }),
  f.select('currency', CURRENCIES, { required: true, default: 'CHF' }),
  f.text('purchase_code', { required: true, maxlength: 32 }),
  f.text('nacres_code', { maxlength: 6, upper: true }),
]
const spend = (name: string): SubmoduleSpec => ({
  name,
  fields: SPEND_FIELDS,
  sortable: ['item', 'supplier', 'quantity', 'amount', 'currency', 'purchase_code', 'nacres_code'],
  filterable: ['currency', 'purchase_code', 'nacres_code', 'supplier'],
  searchable: true,
})

const facility = (name: string): SubmoduleSpec => ({
  name,
  fields: [
    f.text('facility', { required: true }),
    f.num('use', { required: true }),
    f.select('use_unit', ['hours', 'CHF', 'animal_housings'], { required: true, translated: true }),
  ],
  sortable: ['facility', 'use'],
  filterable: ['facility', 'use_unit'],
  searchable: true,
})

export const MODULE_SPECS: Record<ModuleName, ModuleSpec> = {
  headcount: {
    name: 'headcount',
    ownScope: false,
    unitWritable: true,
    submodules: [
      {
        name: 'members',
        fields: [
          f.text('name', { required: true }),
          f.select('staff_category', ['51', '52', '53', '54', '56', '57', '58', '59'], { required: true, translated: true }),
          f.text('person_id', { required: true, maxlength: 64 }),
          f.num('fte', { required: true, default: 1 }),
        ],
        sortable: ['name', 'staff_category', 'person_id', 'fte'],
        filterable: ['staff_category'],
        searchable: true,
      },
      { name: 'students', fields: [f.num('fte', { required: true })], sortable: ['fte'], filterable: [], searchable: false },
    ],
  },
  travel: {
    name: 'travel',
    ownScope: true,
    unitWritable: true,
    submodules: [
      {
        name: 'plane',
        fields: [
          f.text('origin', { required: true, upper: true, maxlength: 3, suggest: 'airport' }),
          f.text('destination', { required: true, upper: true, maxlength: 3, suggest: 'airport' }),
          f.text('traveller_id', { maxlength: 64, suggest: 'person' }),
          f.date('date'),
          f.int('trips', { default: 1 }),
          f.select('cabin_class', ['economy', 'premium_economy', 'business', 'first'], { translated: true, default: 'economy' }),
          f.bool('round_trip'),
          f.num('kg_override'),
        ],
        sortable: ['date', 'origin', 'destination', 'trips', 'cabin_class', 'traveller_id'],
        filterable: ['cabin_class', 'round_trip'],
        searchable: true,
      },
      {
        name: 'train',
        fields: [
          f.text('origin_name', { required: true, suggest: 'station', countryField: 'origin_country' }),
          f.text('origin_country', { required: true, upper: true, maxlength: 2 }),
          f.text('destination_name', { required: true, suggest: 'station', countryField: 'destination_country' }),
          f.text('destination_country', { required: true, upper: true, maxlength: 2 }),
          f.text('traveller_id', { maxlength: 64, suggest: 'person' }),
          f.date('date'),
          f.int('trips', { default: 1 }),
          f.select('travel_class', ['1st', '2nd'], { translated: true, default: '2nd' }),
          f.bool('round_trip'),
        ],
        sortable: ['date', 'origin_name', 'destination_name', 'trips', 'traveller_id'],
        filterable: ['travel_class', 'round_trip'],
        searchable: true,
      },
    ],
  },
  buildings: {
    name: 'buildings',
    ownScope: false,
    unitWritable: true,
    submodules: [
      {
        name: 'rooms',
        fields: [
          f.text('building', { required: true }),
          f.text('room', { required: true }),
          f.select('room_type', ['office', 'laboratory', 'archive', 'library', 'auditorium', 'other'], { translated: true }),
          f.num('share', { default: 1 }),
        ],
        sortable: ['building', 'room', 'room_type', 'share'],
        filterable: ['building', 'room_type'],
        searchable: true,
      },
      {
        name: 'combustion',
        fields: [
          f.text('fuel', { required: true, maxlength: 64 }),
          f.select('unit', ['kWh', 'L', 'kg', 'm3'], { required: true }),
          f.num('quantity', { required: true }),
        ],
        sortable: ['fuel', 'quantity'],
        filterable: ['fuel', 'unit'],
        searchable: true,
      },
    ],
  },
  equipment: {
    name: 'equipment',
    ownScope: false,
    unitWritable: true,
    submodules: [equipment('scientific'), equipment('it'), equipment('other')],
  },
  purchases: {
    name: 'purchases',
    ownScope: false,
    unitWritable: true,
    submodules: [
      ...['scientific-equipment', 'it-equipment', 'consumables', 'bio-chem-gas', 'services', 'vehicles', 'other'].map(spend),
      {
        name: 'centralised',
        fields: [
          f.text('item', { required: true, maxlength: 64 }),
          f.num('quantity', { required: true }),
          f.select('unit', ['kg', 'L', 'm3'], { required: true }),
        ],
        sortable: ['item', 'quantity'],
        filterable: ['item', 'unit'],
        searchable: true,
      },
    ],
  },
  'cloud-ai': {
    name: 'cloud-ai',
    ownScope: true,
    unitWritable: true,
    submodules: [
      {
        name: 'cloud',
        fields: [
          f.text('provider', { required: true }),
          f.select('service_type', ['compute', 'storage', 'other'], { required: true, translated: true }),
          f.num('amount', { required: true }),
          f.select('currency', CURRENCIES, { required: true, default: 'CHF' }),
        ],
        sortable: ['provider', 'service_type', 'amount'],
        filterable: ['service_type', 'currency'],
        searchable: true,
      },
      {
        name: 'ai',
        fields: [
          f.text('provider', { required: true }),
          f.select('use', ['text', 'code', 'image'], { required: true, translated: true }),
          f.num('user_fte', { required: true }),
          f.select('requests_band', ['1-5', '5-20', '20-100', '>100'], { required: true }),
          f.int('working_days'),
        ],
        sortable: ['provider', 'use', 'user_fte'],
        filterable: ['use', 'requests_band'],
        searchable: true,
      },
    ],
  },
  'process-emissions': {
    name: 'process-emissions',
    ownScope: false,
    unitWritable: true,
    submodules: [
      {
        name: 'gas',
        fields: [f.text('gas', { required: true, maxlength: 40 }), f.num('kg_emitted', { required: true })],
        sortable: ['gas', 'kg_emitted'],
        filterable: ['gas'],
        searchable: true,
      },
    ],
  },
  'research-facilities': {
    name: 'research-facilities',
    ownScope: false,
    unitWritable: false,
    submodules: [facility('common'), facility('animal')],
  },
}

/** The form's starting values for a new entry of a submodule. */
export function emptyEntry(sub: SubmoduleSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of sub.fields) out[field.name] = field.default ?? (field.kind === 'bool' ? false : null)
  return out
}
