import { distance as levenshtein } from 'fastest-levenshtein';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SearchableContact, digitsOf, editDistance, matchesFieldFilter, normalizeText, searchContacts } from './search.js';

type Row = SearchableContact & { id: string };

/** A contact; `email` and `phone` are shorthand for a one-entry list. */
const contact = (
  id: string,
  { email, phone, ...fields }: Partial<SearchableContact> & { email?: string; phone?: string } = {},
): Row => ({
  id,
  firstName: id,
  lastName: null,
  emails: email ? [{ value: email }] : [],
  phones: phone ? [{ value: phone }] : [],
  notes: null,
  organization: null,
  jobTitle: null,
  addresses: [],
  ...fields,
});

const ids = (rows: Row[]) => rows.map((r) => r.id);

const john = contact('john', { firstName: 'John', lastName: 'Smith', email: 'jsmith@example.com', phone: '+380501234567' });
const jose = contact('jose', { firstName: 'José', lastName: 'Núñez', email: 'jn@correo.es', phone: '+34612345678', notes: 'Met at the Café Zürich' });
const zoe = contact('zoe', { firstName: 'Zoë', lastName: "O'Brien", email: 'zoe.obrien@example.org', phone: '+442079460958', notes: 'Prefers Signal' });
const bob = contact('bob', { firstName: 'Bob', lastName: 'Marley', email: 'bob@reggae.jm', phone: '+18765550100', notes: 'Jamaica, 1945' });
const all = [john, jose, zoe, bob];

describe('normalizeText / digitsOf', () => {
  it('lower-cases, strips accents, collapses spaces', () => {
    expect(normalizeText('  José   Núñez\t')).toBe('jose nunez');
    expect(normalizeText('ZOË')).toBe('zoe');
    expect(normalizeText('Łukasz Søren Straße')).toBe('lukasz soren strasse');
    expect(normalizeText('İstanbul')).toBe('istanbul');
    expect(normalizeText('ＪＯＨＮ')).toBe('john'); // full-width
  });

  it('keeps digits only', () => {
    expect(digitsOf('+38 (050) 123-45-67')).toBe('380501234567');
    expect(digitsOf('０５０')).toBe('050');
    expect(digitsOf('no digits')).toBe('');
  });
});

describe('searchContacts: each field', () => {
  it('matches first name, last name and the full name', () => {
    expect(ids(searchContacts(all, 'john'))).toEqual(['john']);
    expect(ids(searchContacts(all, 'smith'))).toEqual(['john']);
    expect(ids(searchContacts(all, 'john smith'))).toEqual(['john']);
    expect(ids(searchContacts(all, 'hn sm'))).toEqual(['john']); // any part of the full name
    expect(ids(searchContacts(all, 'Smith, John'))).toEqual(['john']);
  });

  it('matches any part of the email', () => {
    expect(ids(searchContacts(all, 'jsmith@'))).toEqual(['john']);
    expect(ids(searchContacts(all, 'correo.es'))).toEqual(['jose']);
    expect(ids(searchContacts(all, 'EXAMPLE'))).toEqual(['john', 'zoe']);
  });

  it('matches notes', () => {
    expect(ids(searchContacts(all, 'signal'))).toEqual(['zoe']);
    expect(ids(searchContacts(all, 'cafe zurich'))).toEqual(['jose']);
    expect(ids(searchContacts(all, '1945'))).toEqual(['bob']);
  });

  it('matches phone digits whatever the formatting', () => {
    for (const q of ['+38 (050) 123', '050-123-45', '0501234567', '380501234567', '+380501234567', '(050) 123 45 67', '050.123']) {
      expect(ids(searchContacts(all, q)), q).toEqual(['john']);
    }
    // The national trunk 0 isn't part of E.164: "020 7946" is in +44 20 7946 ...
    expect(ids(searchContacts(all, '020 7946 0958'))).toEqual(['zoe']);
    expect(ids(searchContacts(all, '0044 20 7946'))).toEqual(['zoe']);
    expect(ids(searchContacts(all, 'smith 0501'))).toEqual(['john']);
    expect(ids(searchContacts(all, 'john 050-123'))).toEqual(['john']);
    expect(ids(searchContacts(all, '０５０ １２３'))).toEqual(['john']); // full-width digits
  });

  it('does not match a phone number piece by piece', () => {
    expect(ids(searchContacts(all, '050 999 4567'))).toEqual([]);
  });
});

describe('searchContacts: accents and case', () => {
  it('finds accented names from plain queries and the other way round', () => {
    for (const q of ['jose', 'JOSE', 'José', 'nunez', 'NÚÑEZ']) expect(ids(searchContacts(all, q)), q).toEqual(['jose']);
    for (const q of ['zoe', 'Zoë', 'ZOE']) expect(ids(searchContacts(all, q)), q).toEqual(['zoe']);
    const plain = contact('plain', { firstName: 'Jose' });
    expect(ids(searchContacts([plain], 'José'))).toEqual(['plain']);
  });

  it('matches names with or without their punctuation', () => {
    for (const q of ["o'brien", 'obrien', 'brien', "zoë o'brien"]) expect(ids(searchContacts(all, q)), q).toEqual(['zoe']);
  });
});

describe('searchContacts: near misses', () => {
  it('finds John from Jhon, Jon and Jonh, and Smith from Smiht', () => {
    for (const q of ['Jhon', 'Jon', 'Jonh', 'Johnn', 'Smiht', 'jhon smiht']) expect(ids(searchContacts(all, q)), q).toEqual(['john']);
  });

  it('allows two edits only for long words', () => {
    const alexandra = contact('alexandra', { firstName: 'Alexandra' });
    expect(ids(searchContacts([alexandra], 'alexnadar'))).toEqual(['alexandra']); // two swaps, 9 letters
    expect(ids(searchContacts([john], 'jnho'))).toEqual([]); // two edits, 4 letters
  });

  it('finds a typo in the start of a longer name, and nothing two edits from a start', () => {
    const johnathan = contact('johnathan', { firstName: 'Johnathan' });
    expect(ids(searchContacts([johnathan], 'jhona'))).toEqual(['johnathan']);
    const bartholomew = contact('bartholomew', { firstName: 'Bartholomew' });
    expect(searchContacts([bartholomew], 'kowlaski')).toEqual([]);
    expect(searchContacts([bartholomew], 'bratholmo')).toEqual([]); // "bartholo" is two edits away
  });

  it('finds near misses in the email local part', () => {
    const c = contact('c', { firstName: 'C', email: 'kowalski@example.com' });
    expect(ids(searchContacts([c], 'kowlaski'))).toEqual(['c']);
  });

  it('has no false positives for short or unrelated words', () => {
    expect(searchContacts([bob], 'Al')).toEqual([]);
    expect(ids(searchContacts(all, 'Al'))).toEqual(['zoe']); // an honest substring: "Signal" in the notes
    expect(ids(searchContacts(all, 'jon'))).toEqual(['john']); // not José, whose email starts "jn@"
    expect(searchContacts(all, 'xq')).toEqual([]);
    expect(searchContacts(all, 'zzzz')).toEqual([]);
    expect(ids(searchContacts(all, 'marley bob'))).toEqual(['bob']);
    expect(searchContacts(all, 'john marley')).toEqual([]); // AND across words
    expect(searchContacts(all, '12')).toEqual([]); // too few digits for a phone; nothing else contains it
  });
});

describe('searchContacts: ranking', () => {
  it('puts exact matches before typos', () => {
    const jon = contact('jon', { firstName: 'Jon', lastName: 'Snow' });
    expect(ids(searchContacts([john, jon], 'jon'))).toEqual(['jon', 'john']);
    expect(ids(searchContacts([jon, john], 'john'))).toEqual(['john', 'jon']);
  });

  it('orders name exact, prefix, substring, other fields, then near misses', () => {
    const rows = [
      contact('typo', { firstName: 'Anma' }),
      contact('notes', { firstName: 'X', notes: 'friend of anna' }),
      contact('substring', { firstName: 'Joanna' }),
      contact('prefix', { firstName: 'Annabel' }),
      contact('exact', { firstName: 'Anna' }),
    ];
    expect(ids(searchContacts(rows, 'anna'))).toEqual(['exact', 'prefix', 'substring', 'notes', 'typo']);
  });

  it('ranks the phrase in name order first and keeps input order for ties', () => {
    const a = contact('a', { firstName: 'Smith', lastName: 'John' });
    const b = contact('b', { firstName: 'John', lastName: 'Smith' });
    const c = contact('c', { firstName: 'John', lastName: 'Smith', notes: 'twin' });
    expect(ids(searchContacts([a, b, c], 'john smith'))).toEqual(['b', 'c', 'a']);
    expect(ids(searchContacts([c, a, b], 'smith'))).toEqual(['c', 'a', 'b']);
  });

  it('ranks by the weakest query word', () => {
    const exact = contact('exact', { firstName: 'John', lastName: 'Smith' });
    const typo = contact('typo', { firstName: 'Jhon', lastName: 'Smith' });
    expect(ids(searchContacts([typo, exact], 'john smith'))).toEqual(['exact', 'typo']);
  });
});

describe('searchContacts: empty-ish queries', () => {
  it('filters nothing when the query holds nothing to search for', () => {
    for (const q of ['', '   ', '\t\n', '--', '()']) expect(ids(searchContacts(all, q)), JSON.stringify(q)).toEqual(ids(all));
    expect(searchContacts([], 'john')).toEqual([]);
  });

  it('returns the input objects, not copies', () => {
    expect(searchContacts(all, 'john')[0]).toBe(john);
  });
});

describe('matchesFieldFilter', () => {
  it('matches text case- and accent-insensitively by substring', () => {
    expect(matchesFieldFilter('José', 'jos', 'text')).toBe(true);
    expect(matchesFieldFilter('Núñez', 'NUNE', 'text')).toBe(true);
    expect(matchesFieldFilter('Zoë', 'ë', 'text')).toBe(true);
    expect(matchesFieldFilter('Smith', 'jhon', 'text')).toBe(false); // filters are exact, no typos
    expect(matchesFieldFilter(null, 'a', 'text')).toBe(false);
    expect(matchesFieldFilter(null, '  ', 'text')).toBe(true);
  });

  it('matches phones by digits', () => {
    expect(matchesFieldFilter('+380501234567', '(050) 123', 'digits')).toBe(true);
    expect(matchesFieldFilter('+442079460958', '020 7946', 'digits')).toBe(true);
    expect(matchesFieldFilter('+380501234567', '999', 'digits')).toBe(false);
    expect(matchesFieldFilter('+380501234567', 'abc', 'digits')).toBe(false);
    expect(matchesFieldFilter(null, '050', 'digits')).toBe(false);
    expect(matchesFieldFilter(null, '', 'digits')).toBe(true);
  });
});

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('jhon', 'john')).toBe(1);
    expect(editDistance('jon', 'john')).toBe(1);
    expect(editDistance('johnn', 'john')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3); // OSA, not full Damerau: no edits inside a swapped pair
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2); // capped at max + 1
  });

  it('never exceeds Levenshtein, and the cap only caps', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é'), maxLength: 8 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d <= levenshtein(a, b)).toBe(true);
        expect(d === 0).toBe(a === b);
        expect(editDistance(a, b, max)).toBe(Math.min(d, max + 1));
      }),
    );
  });
});

describe('searchContacts properties', () => {
  const nameArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 3, maxLength: 12 });
  const typo = (word: string, kind: number, at: number, letter: string) => {
    const i = at % word.length;
    if (kind === 0) return word.slice(0, i) + word.slice(i + 1); // missing
    if (kind === 1) return word.slice(0, i) + letter + word.slice(i); // extra
    if (kind === 2) return word.slice(0, i) + letter + word.slice(i + 1); // wrong
    const j = Math.min(i, word.length - 2);
    return word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2); // swapped
  };

  it('finds a name from itself in any case, and from one typo', () => {
    fc.assert(
      fc.property(nameArb, fc.nat(3), fc.nat(), fc.constantFrom(...'abcxyz'), (name, kind, at, letter) => {
        const c = contact('c', { firstName: name[0]!.toUpperCase() + name.slice(1), lastName: 'Zz' });
        expect(searchContacts([c], name.toUpperCase())).toEqual([c]);
        const q = typo(name, kind, at, letter);
        // A 3-letter name with a letter missing leaves 2 letters, too short to be read as a typo.
        if (q.length >= 3) expect(searchContacts([c], q)).toEqual([c]);
      }),
    );
  });

  it('finds a long name from two typos, in any script', () => {
    // Letters outside a..z share the fuzzy matcher's spare bits; two edits allowed from 8 letters.
    const longName = fc.string({ unit: fc.constantFrom(...'abcdefghxyzжщλ'), minLength: 10, maxLength: 14 });
    const edit = fc.tuple(fc.nat(3), fc.nat(), fc.constantFrom(...'abxжλ'));
    fc.assert(
      fc.property(longName, edit, edit, (name, [k1, a1, l1], [k2, a2, l2]) => {
        const c = contact('c', { firstName: name, lastName: 'Zz' });
        const q = typo(typo(name, k1, a1, l1), k2, a2, l2);
        // An insertion inside a swapped pair makes three edits in this distance, not two.
        if (editDistance(q, name) <= 2) expect(searchContacts([c], q)).toEqual([c]);
      }),
    );
  });

  it('returns a subset of the input, each contact once', () => {
    const rowArb = fc.record({ firstName: nameArb, lastName: fc.option(nameArb, { nil: null }) });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 20 }), fc.string({ maxLength: 12 }), (rows, q) => {
        const input = rows.map((r, i) => contact(String(i), r));
        const result = searchContacts(input, q);
        expect(new Set(result).size).toBe(result.length);
        for (const r of result) expect(input).toContain(r);
      }),
    );
  });
});

describe('searchContacts: the contacts it searches', () => {
  it('are left as they were, and a changed copy is searched as it is now', () => {
    const ann = contact('ann', { firstName: 'Ann', lastName: 'Lee' });
    const json = JSON.stringify(ann);
    expect(ids(searchContacts([ann], 'ann'))).toEqual(['ann']);
    expect(JSON.stringify(ann)).toBe(json);

    const renamed = { ...ann, firstName: 'Beth' };
    expect(ids(searchContacts([renamed], 'beth'))).toEqual(['ann']);
    expect(searchContacts([renamed], 'ann')).toEqual([]);
    // The original is still found as it was.
    expect(ids(searchContacts([ann], 'ann'))).toEqual(['ann']);
  });
});
