"""The only way to the model: transports (openai SDK, LangChain) under one structured loop,
assembled with the cache, the spending cap and the rate limiter by `stack.build_stack`."""
