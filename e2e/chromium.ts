/**
 * How Playwright launches a browser here: Debian's Chromium (browsers cannot be downloaded), headless,
 * without the sandbox, the GPU or any background traffic. The e2e config and the benchmark share it.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
