"""Importers: one module per input kind, sharing header, number and date parsing."""
