"""Streamlit helpers shared by dashboard.py and pages/: the store (data), the shared filters
(state), page pieces (components) and the entry-point guard (boot). Figures come from
metrics/; nothing here computes one."""
