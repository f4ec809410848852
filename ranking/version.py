"""Version of the ranking method; recorded with every published snapshot."""

METHOD_VERSION = "1.0.0"
