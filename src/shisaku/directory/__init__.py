"""The public directory of what manufacturers can do: profiles, capabilities, search, import."""
