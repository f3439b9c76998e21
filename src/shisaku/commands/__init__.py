"""Sub-commands of the `shisaku` CLI, one module each, loaded only when called."""
