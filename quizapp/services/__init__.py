"""Use cases that join the database to the pure modules. Each takes an explicit Session; every
read-then-write runs in one `write_transaction`; reads run in the session's own transaction."""
