"""A whole city's set-up in one folder of files: loaded all at once, exported the same way."""
