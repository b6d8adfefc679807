import { describe, expect, it } from 'vitest';
import { deviceKey, deviceName, isNewDevice, storableUserAgent } from './device-name.js';

const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const CHROME_ANDROID_NEWER = CHROME_ANDROID.replace('Chrome/126', 'Chrome/131').replace('Android 14', 'Android 15');
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('deviceName', () => {
  it.each([
    [CHROME_ANDROID, 'Chrome on Android'],
    [SAFARI_IPHONE, 'Safari on iOS'],
    [FIREFOX_LINUX, 'Firefox on Linux'],
    ['curl/8.4.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests'],
    ['', 'Unknown device'],
    ['   ', 'Unknown device'],
    [null, 'Unknown device'],
    [undefined, 'Unknown device'],
    ['/1.0', 'Unknown device'],
  ])('names %j "%s"', (userAgent, name) => {
    expect(deviceName(userAgent)).toBe(name);
  });

  it('never repeats text planted in the header, only names from the parser’s lists or one plain word', () => {
    expect(deviceName('Visit www.evil.example to secure your account/1.0 (Windows NT 10.0)')).toBe('Windows');
    expect(deviceName('Call 555-1234 now/2.0')).toBe('Call');
    expect(deviceName('evil.example/1.0')).toBe('evil');
    expect(deviceName(`${'a'.repeat(40)}/1.0`)).toBe('Unknown device');
  });
});

describe('storableUserAgent', () => {
  it('trims, caps at 512 characters and keeps nothing for an empty header', () => {
    expect(storableUserAgent(`  ${FIREFOX_LINUX}  `)).toBe(FIREFOX_LINUX);
    expect(storableUserAgent('x'.repeat(600))).toHaveLength(512);
    expect(storableUserAgent('  ')).toBeNull();
    expect(storableUserAgent(undefined)).toBeNull();
  });
});

describe('isNewDevice', () => {
  it('compares browser and system by name, not version', () => {
    expect(deviceKey(CHROME_ANDROID)).toBe(deviceKey(CHROME_ANDROID_NEWER));
    expect(isNewDevice(CHROME_ANDROID_NEWER, [CHROME_ANDROID])).toBe(false);
    expect(isNewDevice(SAFARI_IPHONE, [CHROME_ANDROID, FIREFOX_LINUX])).toBe(true);
  });

  it('compares headers the parser does not know as they are', () => {
    expect(isNewDevice('curl/8.4.0', ['curl/8.4.0'])).toBe(false);
    expect(isNewDevice('curl/8.5.0', ['curl/8.4.0'])).toBe(true);
  });

  it('counts sign-ins without a User-Agent as one device', () => {
    expect(isNewDevice(null, [CHROME_ANDROID])).toBe(true);
    expect(isNewDevice(null, [CHROME_ANDROID, null])).toBe(false);
    expect(isNewDevice(CHROME_ANDROID, [null, FIREFOX_LINUX])).toBe(true);
  });

  it('is never new without an earlier session that recorded its device', () => {
    expect(isNewDevice(CHROME_ANDROID, [])).toBe(false);
    expect(isNewDevice(CHROME_ANDROID, [null])).toBe(false);
  });
});
