import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../main/appProtocol.ts';
import {
  buildCsp, createNavigationGuard, createPermissionCheckHandler, createPermissionRequestHandler,
  createWindowOpenHandler, originOf, secureWebPreferences, withCsp,
} from '../../main/security.ts';

describe('secure window preferences', () => {
  it('turns on isolation and the sandbox and turns off Node in every frame', () => {
    const p = secureWebPreferences('/app/preload.cjs');
    expect(p).toMatchObject({
      preload: '/app/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false,
      nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true,
      allowRunningInsecureContent: false, webviewTag: false, devTools: false,
    });
    expect(secureWebPreferences('/p', { devTools: true }).devTools).toBe(true);
  });
});

describe('originOf', () => {
  it.each([
    ['app://warroom/index.html', 'app://warroom'],
    ['app://warroom/a/b?x=1#y', 'app://warroom'],
    ['app://evil/index.html', 'app://evil'],
    ['https://example.com:8443/x', 'https://example.com:8443'],
    ['http://127.0.0.1:4000/?token=t', 'http://127.0.0.1:4000'],
    ['foo://warroom/index.html', null],
    ['javascript:alert(1)', null],
    ['data:text/html,<b>x</b>', null],
    ['not a url', null],
  ])('%s → %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });
});

describe('Content-Security-Policy', () => {
  const csp = buildCsp({ serverUrl: 'https://warroom.example.com:8443/some/path' });
  const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

  it('loads scripts only from the app, with no inline or eval', () => {
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(directive('default-src')).toBe("default-src 'none'");
    expect(directive('object-src')).toBe("object-src 'none'");
  });

  it('connects only to the configured server over http(s) and ws(s)', () => {
    expect(directive('connect-src')).toBe("connect-src 'self' https://warroom.example.com:8443 wss://warroom.example.com:8443");
  });

  it('connects nowhere else when no server is configured, or a bad one is', () => {
    expect(buildCsp({ serverUrl: null })).toContain("connect-src 'self';");
    expect(buildCsp({ serverUrl: 'file:///etc/passwd' })).toContain("connect-src 'self';");
  });

  it('allows the dev server (and its inline refresh preamble) only in development', () => {
    const dev = buildCsp({ serverUrl: 'http://127.0.0.1:4000', devServerOrigin: 'http://localhost:5173' });
    expect(dev).toContain("script-src 'self' http://localhost:5173 'unsafe-inline'");
    expect(dev).toContain('ws://localhost:5173');
    expect(dev).toContain('ws://127.0.0.1:4000');
  });

  it('replaces a policy the response already had', () => {
    const h = withCsp({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, csp);
    expect(h).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [csp] });
  });
});

describe('navigation guard', () => {
  const setup = () => {
    const openExternal = vi.fn();
    const guard = createNavigationGuard(APP_ORIGIN, openExternal);
    const nav = (url: string) => {
      const event = { preventDefault: vi.fn() };
      guard(event, url);
      return { prevented: event.preventDefault.mock.calls.length > 0, opened: openExternal.mock.calls.map((c) => c[0]) };
    };
    return nav;
  };

  it('lets the app move within its own origin', () => {
    expect(setup()('app://warroom/index.html?incident=x')).toEqual({ prevented: false, opened: [] });
  });

  it.each([
    ['https://evil.example/phish', ['https://evil.example/phish']],
    ['http://127.0.0.1:4000/', ['http://127.0.0.1:4000/']],
    ['app://other/index.html', []],
    ['foo://warroom/index.html', []],
    ['file:///etc/passwd', []],
    ['javascript:alert(1)', []],
  ])('blocks %s (external web links go to the OS browser)', (url, opened) => {
    expect(setup()(url)).toEqual({ prevented: true, opened });
  });
});

describe('new windows', () => {
  it('are always denied; http(s) links open in the OS browser, others nowhere', () => {
    const openExternal = vi.fn();
    const handler = createWindowOpenHandler(openExternal);
    expect(handler({ url: 'https://status.example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'app://warroom/index.html' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///home/me/.ssh/id_rsa' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://status.example.com/']]);
  });
});

describe('permissions', () => {
  const request = (permission: string, url = 'app://warroom/index.html') => {
    const cb = vi.fn();
    createPermissionRequestHandler(APP_ORIGIN)({ getURL: () => url }, permission, cb);
    return cb.mock.calls[0]?.[0];
  };

  it('grants notifications to the app', () => {
    expect(request('notifications')).toBe(true);
  });

  it.each(['media', 'geolocation', 'clipboard-read', 'openExternal', 'hid', 'display-capture', 'unknown'])('denies %s', (p) => {
    expect(request(p)).toBe(false);
  });

  it('denies notifications to any other page', () => {
    expect(request('notifications', 'https://evil.example/')).toBe(false);
  });

  it('answers permission checks the same way', () => {
    const check = createPermissionCheckHandler(APP_ORIGIN);
    expect(check(null, 'notifications', 'app://warroom')).toBe(true);
    expect(check(null, 'notifications', 'https://evil.example')).toBe(false);
    expect(check(null, 'media', 'app://warroom')).toBe(false);
  });
});
