"""Classifier of candidates trained on review labels (LightGBM)."""
