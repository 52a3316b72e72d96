"""The review loop: a browser app (Dash) over a finished run, and the SQLite store of its reviews.

An application on top of the layers: may import lcpipe.stages and everything below it.
"""
