"""The English catalogue and the language switch."""
