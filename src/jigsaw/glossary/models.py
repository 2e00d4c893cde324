"""Tables: none yet."""
