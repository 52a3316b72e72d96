"""Classifier of candidates trained on review labels (LightGBM).

May import the science packages lcpipe.classify and lcpipe.characterize, and the layers below them.
"""
