"""Question banks as files: parse and check them, derive cards, write them out (pure)."""
