import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants';

/** Where `next dev` forwards the API: the agent's default listen address. */
const devAgentOrigin = 'http://127.0.0.1:7777';

/**
 * The agent serves the dashboard itself, from one origin, so the build is a static export
 * (`out/`). A static export cannot rewrite, so only `next dev` proxies `/api` to an agent.
 */
export default function nextConfig(phase: string): NextConfig {
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    return {
      reactStrictMode: true,
      rewrites: async () => [
        { source: '/api/:path*', destination: `${devAgentOrigin}/api/:path*` },
      ],
    };
  }
  return { output: 'export', reactStrictMode: true, images: { unoptimized: true } };
}
