/** Something that runs parameterised SQL: a pool, a dedicated session or a transaction. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** A connection held for a sequence of statements, e.g. while an advisory lock is held. */
export interface Session extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The database budgetgate talks to: Postgres through `pg`, or embedded PGlite.
 * Both run the same SQL; the differences stay inside the two implementations.
 */
export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs `work` on one connection, so session state such as advisory locks and SET applies to it. */
  withSession<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction that commits when it resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
