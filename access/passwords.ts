// Operators' passwords: argon2id (memory-hard), the parameters OWASP recommends, kept in the hash itself.
import { hash, verify } from '@node-rs/argon2';
import { DubanError } from '../domain/errors';

const ARGON2ID = 2;
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DubanError('INVALID_ARGUMENT', `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`);
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
