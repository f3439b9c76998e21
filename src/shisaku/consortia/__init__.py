"""Joint orders: the consortium planner over the directory (the coordinator's window comes next)."""
