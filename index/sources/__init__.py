"""Connectors that bring minutes in by themselves: a client per kind of source (firstagenda.py) and the run
that stores what they fetch through the normal ingest path (fetch.py)."""
