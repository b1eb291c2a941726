/** The fingerprint of the sources a compiled dist/ was built from (see source-fingerprint.mjs). */
export function sourceFingerprint(root: string): string
