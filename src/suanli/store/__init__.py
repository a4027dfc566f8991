"""store room: the exchange's database (SQLAlchemy 2 tables, keyword-only repository functions,
Alembic migrations). SQLite (WAL) embedded, PostgreSQL in production: same code, a URL."""
