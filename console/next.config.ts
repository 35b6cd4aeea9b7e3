import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // Our workspace packages are TypeScript sources (no build step of their own).
  transpilePackages: ['@demo/contracts', '@demo/load'],
  // The monorepo root, so Turbopack resolves the workspaces and their hoisted dependencies.
  turbopack: { root: path.resolve(__dirname, '..') },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
