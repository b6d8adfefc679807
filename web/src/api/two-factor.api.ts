import type { RecoveryCodes, TwoFactorSetup } from '../../../src/modules/two-factor/two-factor.schemas.js';
import { api } from './client.js';

export type { RecoveryCodes, TwoFactorSetup };

export const setupTwoFactor = (body: { password: string }) =>
  api<TwoFactorSetup>('/api/users/me/two-factor/setup', { method: 'POST', body });

export const enableTwoFactor = (body: { code: string }) =>
  api<RecoveryCodes>('/api/users/me/two-factor/enable', { method: 'POST', body });

export const disableTwoFactor = (body: { password: string; code: string }) =>
  api<undefined>('/api/users/me/two-factor/disable', { method: 'POST', body });
