"""Linking an agency's roster (a school roll, a GP list, a police nominal list) to the index."""
