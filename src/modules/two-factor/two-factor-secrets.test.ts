import { describe, expect, it } from 'vitest';
import {
  SecretBox,
  asRecoveryCode,
  asTotpCode,
  generateRecoveryCode,
  generateTotpSecret,
  matchTotpStep,
} from './two-factor-secrets.js';
import { totpAt } from '../../../test/helpers/two-factor.js';

const key = new TextEncoder().encode('a-jwt-secret-that-is-long-enough-0123456789');
const userId = '6f1c1a2e-0000-4000-8000-000000000001';

describe('SecretBox', () => {
  it('opens what it sealed, and nothing sealed for another account or under another key', () => {
    const box = new SecretBox(key);
    const sealed = box.seal(userId, 'JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(box.seal(userId, 'JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(box.open(userId, sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open('6f1c1a2e-0000-4000-8000-000000000002', sealed)).toBeUndefined();
    expect(new SecretBox(new TextEncoder().encode('another-secret-that-is-long-enough-98765')).open(userId, sealed)).toBeUndefined();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(box.open(userId, tampered)).toBeUndefined();
    expect(box.open(userId, 'JBSWY3DPEHPK3PXP')).toBeUndefined();
  });
});

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 test vector at 59 s (8-digit 94287082, so 6-digit 287082)', () => {
    // RFC 6238 appendix B: the ASCII key "12345678901234567890".
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(matchTotpStep(secret, '287082', new Date(59_000))).toBe(1);
    expect(matchTotpStep(secret, '287082', new Date(59_000 + 30_000))).toBe(1);
    expect(matchTotpStep(secret, '287082', new Date(59_000 + 60_000))).toBeUndefined();
  });

  it('makes 160-bit secrets and reads typed codes', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const at = new Date('2026-01-01T00:00:10Z');
    expect(matchTotpStep(secret, totpAt(secret, at), at)).toBe(Math.floor(at.getTime() / 30_000));
    expect(asTotpCode(' 123 456 ')).toBe('123456');
    expect(asTotpCode('12345')).toBeUndefined();
  });
});

describe('recovery codes', () => {
  it('are five groups of five from a 32-symbol alphabet (125 bits) and read back however typed', () => {
    const codes = new Set(Array.from({ length: 1000 }, generateRecoveryCode));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(/^[a-km-np-z2-9]{5}(?:-[a-km-np-z2-9]{5}){4}$/);
    expect(asRecoveryCode('ABCDE-FGHJK-MNPQR-STUVW-XYZ23')).toBe('abcdefghjkmnpqrstuvwxyz23');
    expect(asRecoveryCode('abcde fghjk mnpqr stuvw xyz23')).toBe('abcdefghjkmnpqrstuvwxyz23');
    expect(asRecoveryCode('abcde-fghjk-mnpqr-stuvw-xyz20')).toBeUndefined();
    expect(asRecoveryCode('abcde-fghjk-mnpqr')).toBeUndefined();
  });
});
