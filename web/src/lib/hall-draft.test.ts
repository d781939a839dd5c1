import { describe, expect, it } from 'vitest';
import { hallBody, parseRowCounts, rowLabel, seatsOf } from './hall-draft';

describe('hall drafts', () => {
  it('letters rows as halls do', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(rowLabel)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  it('reads seat counts, with a shorthand for equal rows', () => {
    expect(parseRowCounts('10, 12 14')).toEqual([10, 12, 14]);
    expect(parseRowCounts('2x5, 8')).toEqual([5, 5, 8]);
    expect(parseRowCounts('ten')).toMatch(/not a seat count/);
    expect(parseRowCounts('0')).toMatch(/1 to 500/);
    expect(parseRowCounts(' ')).toMatch(/at least one row/);
  });

  it('builds the API layout from a draft', () => {
    const r = hallBody(' Grand Hall ', [{ name: 'Stalls', rows: '2x3' }, { name: 'Balcony', rows: '4' }]);
    expect(r).toEqual({
      body: {
        name: 'Grand Hall',
        sections: [
          { name: 'Stalls', rows: [{ label: 'A', seats: 3 }, { label: 'B', seats: 3 }] },
          { name: 'Balcony', rows: [{ label: 'A', seats: 4 }] },
        ],
      },
    });
    if ('body' in r) expect(seatsOf(r.body)).toHaveLength(10);
  });

  it('says what is wrong, every problem at once', () => {
    const r = hallBody('', [{ name: 'A', rows: '5' }, { name: 'A', rows: 'x' }, { name: '', rows: '3' }]);
    expect('errors' in r && r.errors).toEqual([
      'The hall needs a name.',
      'Two sections are called "A".',
      'A: "x" is not a seat count (write e.g. "10, 12, 14" or "5x20").',
      'Section 3 needs a name.',
    ]);
  });
});
