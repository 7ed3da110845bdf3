"""Database engine, declarative base and migrations, shared by every domain."""
