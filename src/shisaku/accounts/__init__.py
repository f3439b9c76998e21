"""Users, organisations (startup / manufacturer / coordinator) and memberships."""
