"""Analysis stages: pure functions from documents to facts about them (language, ...)."""
