"""The MASH front door: contacts from shared concerns, screened on a working clock.

Kept free of imports here: ``sharing`` opens contacts through ``mash.intake`` while the MASH's
pages read concerns through ``sharing``; neither package imports the other's ``__init__``.
"""
