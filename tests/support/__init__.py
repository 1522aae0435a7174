"""Helpers the test directories share, one module per concern. Test modules
and conftest files import from here; fixtures stay in the conftest files."""
