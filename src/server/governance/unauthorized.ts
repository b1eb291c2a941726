import type { AuthenticationFailure } from '../../catalog/governance/authorization-header.ts'

/**
 * What a 401 tells the caller about why (#17): a bare "Unauthorized" leaves people guessing whether the token
 * is missing, mistyped, expired or revoked. The answer says which, without helping anyone probe for tokens:
 * an unknown id and a wrong secret get the same answer ("not accepted"), and expired/revoked are only said
 * once the secret matched, that is to the token's holder (tokens.ts checks the hash before the state).
 */
export type UnauthorizedReason =
  | 'missing_token'
  | 'malformed_token'
  | 'token_not_accepted'
  | 'token_expired'
  | 'token_revoked'

export interface Unauthorized {
  readonly reason: UnauthorizedReason
  readonly message: string
}

const NEW_TOKEN = 'an admin can create a new one with `weir token create <principal>`'

export function unauthorizedAnswer(failure: AuthenticationFailure, expiredAt?: Date): Unauthorized {
  switch (failure) {
    case 'missing':
      return {
        reason: 'missing_token',
        message:
          'Unauthorized: no token was given; send one as `Authorization: Bearer <token>` (the weir CLI: --token or $WEIR_TOKEN)',
      }
    case 'unsupported_scheme':
    case 'too_long':
    case 'malformed':
      return {
        reason: 'malformed_token',
        message:
          'Unauthorized: the token is malformed; a Weir token looks like weir_<16 hex digits>_<43 characters>, sent as `Authorization: Bearer <token>` or as the basic-auth password; check it was copied whole',
      }
    case 'unknown':
    case 'mismatch':
      return {
        reason: 'token_not_accepted',
        message: `Unauthorized: the token is not accepted by this server (not one it issued, or deleted); check --token / $WEIR_TOKEN, or ${NEW_TOKEN}`,
      }
    case 'expired':
      return {
        reason: 'token_expired',
        message: `Unauthorized: the token expired${expiredAt === undefined ? '' : ` at ${expiredAt.toISOString()}`}; ${NEW_TOKEN}`,
      }
    case 'revoked':
      return { reason: 'token_revoked', message: `Unauthorized: the token was revoked; ${NEW_TOKEN}` }
  }
}
