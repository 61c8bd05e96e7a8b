"""Batch runs: the per-page function over all inputs, on this machine or on a Dask cluster."""
