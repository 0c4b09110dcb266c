import { describe, expect, it } from 'vitest';
import { isUuid, UUID_PATTERN } from '../../domain/ids';

describe('isUuid', () => {
  it('accepts a UUID in either case', () => {
    expect(isUuid('0b5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6f')).toBe(true);
    expect(isUuid('0B5C9F8E-3D1A-4C2B-9E7F-1A2B3C4D5E6F')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const value of [
      '',
      'not-a-uuid',
      '0b5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6',
      '0b5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6f0',
      'x0b5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6f',
      '0b5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6f\n',
      '0b5c9f8e3d1a4c2b9e7f1a2b3c4d5e6f',
      'gb5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6f',
    ]) {
      expect(isUuid(value), value).toBe(false);
    }
    expect(isUuid(42)).toBe(false);
    expect(isUuid(null)).toBe(false);
  });

  it('UUID_PATTERN is the same check for strings', () => {
    expect(UUID_PATTERN.test('0b5c9f8e-3d1a-4c2b-9e7f-1a2b3c4d5e6f')).toBe(true);
    expect(UUID_PATTERN.test('0b5c9f8e-3d1a-4c2b-9e7f')).toBe(false);
  });
});
