"""Spaceport: a self-hostable invoicing API server that speaks the Space Invoices v1 API."""

__version__ = "0.1.0"
