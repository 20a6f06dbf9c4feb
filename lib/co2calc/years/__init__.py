"""The year lifecycle's rules: the completeness check and the reduction trajectory."""
