"""Staff pages of the properties app, one module per concern."""
