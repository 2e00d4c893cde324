"""Stories of sharing that led to a good outcome for a child (issue 8), moderated and anonymised."""
