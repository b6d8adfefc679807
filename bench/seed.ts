import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A throwaway database on the benchmark's PostgreSQL server. */
export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `kith_bench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

// A small deterministic generator (mulberry32), so every run seeds the same people.
export function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof generator>;

const FIRST_NAMES = [
  'John', 'Olena', 'Maria', 'James', 'Oksana', 'Michael', 'Anna', 'David', 'Sofia', 'Andrii', 'Emma', 'Daniel',
  'Iryna', 'William', 'Chloé', 'Thomas', 'Zoë', 'José', 'Lucas', 'Hannah', 'Mykola', 'Charlotte', 'Benjamin', 'Yulia',
  'Matthew', 'Amelia', 'Dmytro', 'Isabella', 'Samuel', 'Natalia', 'Jonathan', 'Eleanor', 'Bohdan', 'Grace', 'Patrick',
  'Kateryna', 'Robert', 'Victoria', 'Taras', 'Margaret', 'Søren', 'Agnieszka', 'François', 'Helena', 'Marco', 'Lena',
];
const LAST_NAMES = [
  'Smith', 'Shevchenko', 'Johnson', 'Kovalenko', 'Williams', 'Bondarenko', 'Brown', 'Tkachenko', 'Garcia', 'Müller',
  'Martin', 'Kravchenko', 'Miller', 'Oliynyk', 'Davis', 'Lysenko', 'Wilson', 'Moroz', 'Anderson', 'Marchenko',
  'Thompson', 'Petrenko', 'Dubois', 'Rossi', 'Nowak', 'Novak', 'Hansen', 'García', 'López', 'Fischer', 'Ivanenko',
  'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'Boyko', 'Melnyk', 'Savchenko', 'Rudenko', 'Łukasiewicz', 'Sørensen',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];
const NOTES = [
  'Met at the conference in Lviv',
  'Prefers email over phone calls',
  'Neighbour from the old flat',
  'Works at the bakery on the corner',
  'Climbing partner on Thursdays',
  'Call before visiting',
  'Former colleague',
];
const TIMEZONES = ['UTC', 'Europe/Kyiv', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'Pacific/Auckland'];

const ascii = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l');

const digits = (random: Random, n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('');

/** A plausible E.164 number: a Ukrainian mobile, a US number or a German mobile. */
function phone(random: Random): string {
  switch (random.int(0, 2)) {
    case 0:
      return `+380${random.pick(['50', '63', '66', '67', '68', '73', '93', '95', '97', '99'])}${digits(random, 7)}`;
    case 1:
      return `+1${random.pick(['212', '415', '617', '312', '206'])}${random.int(2, 9)}${digits(random, 6)}`;
    default:
      return `+4915${random.pick(['1', '2', '7'])}${digits(random, 8)}`;
  }
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

export interface SeededUser {
  id: string;
  email: string;
  /** Writers keep fewer than 100 contacts, so the create+delete scenario has room. */
  writer: boolean;
}

export interface SeedOptions {
  users: number;
  writers: number;
  contactsPerUser: number;
  contactsPerWriter: number;
  passwordHash: string;
}

const CONTACT_COLUMNS = [
  ['id', 'uuid'],
  ['user_id', 'uuid'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['emails', 'jsonb'],
  ['phones', 'jsonb'],
  ['birthday_year', 'int'],
  ['birthday_month', 'int'],
  ['birthday_day', 'int'],
  ['notes', 'text'],
  ['created_at', 'timestamptz'],
  ['card_href', 'text'],
  ['card_uid', 'text'],
] as const;

/** Users and their contacts, inserted in large batches through `unnest`. */
export async function seed(url: string, options: SeedOptions): Promise<SeededUser[]> {
  const random = generator(20261125);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const seeded: SeededUser[] = [];
    const userRows: unknown[][] = [[], [], [], [], [], [], []];
    const contactRows: unknown[][] = CONTACT_COLUMNS.map(() => []);
    const now = Date.now();

    for (let u = 0; u < options.users; u += 1) {
      const writer = u < options.writers;
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const user: SeededUser = { id: randomUUID(), email: `${ascii(first)}.${ascii(last)}.${u}@example.com`, writer };
      seeded.push(user);
      const count = writer ? options.contactsPerWriter : options.contactsPerUser;
      const region = random.pick(['UA', 'US', 'DE', null]);
      [user.id, user.email, `${first} ${last}`, random.pick(TIMEZONES), region, count, true].forEach((value, i) =>
        userRows[i]!.push(value),
      );

      for (let c = 0; c < count; c += 1) {
        const firstName = random.pick(FIRST_NAMES);
        const lastName = random.chance(0.9) ? random.pick(LAST_NAMES) : null;
        const e164 = random.chance(0.8) ? phone(random) : null;
        const email = random.chance(0.85)
          ? `${ascii(firstName)}.${ascii(lastName ?? 'x')}${random.int(1, 99)}@${random.pick(DOMAINS)}`
          : null;
        const hasBirthday = random.chance(0.75);
        const year = hasBirthday && random.chance(0.85) ? random.int(1950, 2008) : null;
        const month = hasBirthday ? random.int(1, 12) : null;
        const day = month ? random.int(1, daysInMonth(year ?? 2000, month)) : null;
        const id = randomUUID();
        const row = [
          id,
          user.id,
          firstName,
          lastName,
          JSON.stringify(email ? [{ value: email, label: null }] : []),
          JSON.stringify(e164 ? [{ value: e164, input: e164, label: null }] : []),
          year,
          month,
          day,
          random.chance(0.3) ? random.pick(NOTES) : null,
          new Date(now - random.int(1, 365 * 24 * 3600) * 1000),
          `${id}.vcf`,
          id,
        ];
        row.forEach((value, i) => contactRows[i]!.push(value));
      }
    }

    await client.query(
      `insert into users (id, email, name, password_hash, timezone, region, contact_count, email_verified)
       select id, email, name, $8, timezone, region, contact_count, verified
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::boolean[])
         as t(id, email, name, timezone, region, contact_count, verified)`,
      [...userRows, options.passwordHash],
    );

    const batch = 10_000;
    const total = contactRows[0]!.length;
    const columns = CONTACT_COLUMNS.map(([name]) => name).join(', ');
    const arrays = CONTACT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
    for (let start = 0; start < total; start += batch) {
      await client.query(
        `insert into contacts (${columns}, updated_at) select t.*, t.created_at from unnest(${arrays}) as t(${columns})`,
        contactRows.map((column) => column.slice(start, start + batch)),
      );
    }
    // Settle the fresh rows before anything is measured: set their visibility bits and statistics,
    // and flush them, so neither the first reads nor a checkpoint land inside a measurement.
    await client.query('vacuum (analyze)');
    await client.query('checkpoint');
    return seeded;
  } finally {
    await client.end();
  }
}

export interface Fixtures {
  /** [ownerId, contactId] pairs of the given users. */
  contacts: [string, string][];
  /** Per user: a first name of one of their contacts with two letters swapped ("Jhon"). */
  typos: Map<string, string>;
}

/** Swaps the 2nd and 3rd letters: "John" → "Jhon", a near miss the search must still find. */
const typo = (name: string) => `${name[0]}${name[2]}${name[1]}${name.slice(3)}`;

export async function loadFixtures(url: string, userIds: string[]): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ user_id: string; id: string; first_name: string }>(
      'select user_id, id, first_name from contacts where user_id = any($1::uuid[]) order by id',
      [userIds],
    );
    const typos = new Map<string, string>();
    for (const row of rows) {
      const name = row.first_name;
      if (!typos.has(row.user_id) && /^[A-Za-z]{4,}$/.test(name) && name[1] !== name[2]) {
        typos.set(row.user_id, typo(name));
      }
    }
    return { contacts: rows.map((row) => [row.user_id, row.id]), typos };
  } finally {
    await client.end();
  }
}
