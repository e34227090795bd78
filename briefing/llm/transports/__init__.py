"""The ways to a model: the openai SDK over any OpenAI-compatible endpoint, or LangChain.

A transport sends one conversation and returns one `Answer` (retrying transient failures
itself); briefing.llm.structured validates it and re-asks, the same for both.
"""
