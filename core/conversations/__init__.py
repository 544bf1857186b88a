"""Follow-up questions beside any run: a conversation on its photos, answered by runs or from stored table cells."""
