"""The review loop: a browser app over a finished run, and the SQLite store of its reviews."""
