"""Authentication (sessions, OIDC sign-in) and authorisation (the policy)."""
