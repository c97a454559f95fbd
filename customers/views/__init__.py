"""Staff pages of the customers app, one module per concern."""
