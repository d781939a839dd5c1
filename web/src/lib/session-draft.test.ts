import { describe, expect, it } from 'vitest';
import { sessionTiers } from './session-draft';

describe('sessionTiers', () => {
  it('groups sections by tier name and leaves untiered sections off sale', () => {
    const r = sessionTiers(
      [
        { section: 'Boxes', tier: 'VIP', price: '250' },
        { section: 'Balcony', tier: 'VIP', price: '250.00' },
        { section: 'Stalls', tier: 'Normal', price: '45.5' },
        { section: 'Gods', tier: '', price: '' },
      ],
      [],
      'EUR',
    );
    expect(r).toEqual({
      tiers: [
        { name: 'VIP', price: { amount: '250', currency: 'EUR' }, sections: ['Boxes', 'Balcony'] },
        { name: 'Normal', price: { amount: '45.5', currency: 'EUR' }, sections: ['Stalls'] },
      ],
    });
  });

  it('adds standing areas with their capacity', () => {
    expect(sessionTiers([], [{ area: 'Floor', capacity: '2000', tier: 'Standing', price: '35' }], 'EUR')).toEqual({
      tiers: [{ name: 'Standing', price: { amount: '35', currency: 'EUR' }, area: 'Floor', capacity: 2000 }],
    });
  });

  it('says what is wrong', () => {
    const r = sessionTiers(
      [
        { section: 'A', tier: 'VIP', price: '10' },
        { section: 'B', tier: 'VIP', price: '12' },
        { section: 'C', tier: 'X', price: 'free' },
      ],
      [{ area: 'Floor', capacity: '0', tier: '', price: '5' }],
      'EUR',
    );
    expect('errors' in r && r.errors).toEqual([
      'Tier "VIP" has two prices (10 and 12); give its sections one price or name them apart.',
      'C: the price must be an amount such as 45 or 45.50.',
      'Floor: the capacity must be a whole number from 1 to 20,000.',
    ]);
    expect(sessionTiers([{ section: 'A', tier: '', price: '' }], [], 'EUR')).toEqual({ errors: ['Put at least one section or standing area on sale.'] });
  });
});
