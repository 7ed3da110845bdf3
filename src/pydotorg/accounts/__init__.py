"""Users, their credentials and roles."""
