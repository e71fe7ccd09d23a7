"""AWS AppConfig Data: configuration sessions and tokens, served from the AppConfig backend."""
