import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // Our workspace packages are TypeScript sources (no build step of their own).
  transpilePackages: ['@demo/contracts', '@demo/load'],
  // The monorepo root, so Turbopack resolves the workspaces and their hoisted dependencies.
  turbopack: { root: path.resolve(__dirname, '..') },
  poweredByHeader: false,
  reactStrictMode: true,
  // No page of the console may be framed (clickjacking the Inject button), nor sniffed as another type.
  headers: () =>
    Promise.resolve([
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ]),
};

export default config;
