// A throwaway PostgreSQL schema per test run, so runs on one database never collide.
import pg from "pg";

export function freshSchema(): string {
  return `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
