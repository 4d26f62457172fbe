"""The engine of the administrative-reform dashboard: import, store, compute.

Importable without Streamlit; the pages and the CLI both call into it.
"""
