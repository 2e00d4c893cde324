"""The shared vocabulary of safeguarding: levels of need, concern categories, lawful bases.

Pure data (no database, no other capability), so that guidance flows, concerns and (later)
the glossary all speak the same codes. Codes are stored; labels are shown.
"""
