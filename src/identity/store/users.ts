import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import { checkName, isUniqueViolation } from './names.js';

export interface User {
  id: number;
  name: string;
  admin: boolean;
  createdAt: Date;
}

const userColumns = `id::int AS id, name, admin, created_at AS "createdAt"`;

export async function createUser(db: Db, input: { name: string; admin: boolean; nowMs: number }): Promise<User> {
  checkName('user', input.name);
  try {
    const result = await db.query<User>(`INSERT INTO users (name, admin, created_at) VALUES ($1, $2, $3) RETURNING ${userColumns}`, [
      input.name,
      input.admin,
      new Date(input.nowMs),
    ]);
    return result.rows[0]!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(ErrorCode.alreadyExists, `user ${input.name} already exists`);
    throw error;
  }
}

export async function findUser(db: Db, name: string): Promise<User | undefined> {
  const result = await db.query<User>(`SELECT ${userColumns} FROM users WHERE name = $1`, [name]);
  return result.rows[0];
}

export async function getUser(db: Db, name: string): Promise<User> {
  const user = await findUser(db, name);
  if (!user) throw new AppError(ErrorCode.notFound, `no user ${name}: an administrator creates users with \`slipway users create NAME\``);
  return user;
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.query<User>(`SELECT ${userColumns} FROM users ORDER BY name`)).rows;
}
