"""The MASH's measures: counts and working hours over a period, never a child's details.

Contacts per day, time to decision and to feedback, partner checks, consultations and
repeat contacts; a page with charts, a CSV file and the API.
"""
