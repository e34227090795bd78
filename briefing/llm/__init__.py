"""The only way to the model: an openai-SDK client, its settings, replay from cassettes."""
