// 工作台账号: who may log in to the console, and with which role.
import { DubanError } from '../domain/errors';
import type { Db } from '../store/db';
import { checkPasswordStrength, hashPassword } from './passwords';

export const ROLES = ['clerk', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_NAMES: Record<Role, string> = { clerk: '办事员', leader: '领导', admin: '管理员' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;

export interface NewOperator {
  name: string;
  displayName?: string;
  role: string;
  password: string;
  createdBy: string;
}

export async function addOperator(db: Db, op: NewOperator): Promise<{ name: string; role: Role }> {
  if (!NAME_RE.test(op.name)) {
    throw new DubanError('INVALID_ARGUMENT', `账号名“${op.name}”不可用：请用 2–32 个英文字母、数字、点、下划线或连字符，以字母或数字开头`);
  }
  if (!isRole(op.role)) throw new DubanError('INVALID_ARGUMENT', `角色“${op.role}”不存在：可选 clerk（办事员）、leader（领导）、admin（管理员）`);
  checkPasswordStrength(op.password);
  if (await db.operator.findUnique({ where: { name: op.name }, select: { name: true } })) {
    throw new DubanError('OPERATOR_EXISTS', `账号“${op.name}”已存在`);
  }
  const passwordHash = await hashPassword(op.password);
  try {
    await db.operator.create({
      data: { name: op.name, displayName: op.displayName?.trim() || op.name, role: op.role, passwordHash, createdBy: op.createdBy },
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new DubanError('OPERATOR_EXISTS', `账号“${op.name}”已存在`);
    throw err;
  }
  return { name: op.name, role: op.role };
}

export async function listOperators(db: Db) {
  const rows = await db.operator.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map((r) => ({ name: r.name, displayName: r.displayName, role: r.role as Role, createdAt: r.createdAt.toISOString() }));
}
