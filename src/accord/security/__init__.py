"""Who may do what: users, roles and their scopes, passwords, TOTP, sessions, API tokens, policy."""
