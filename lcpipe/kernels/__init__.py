"""Python side of the compiled kernels: checked wrappers and slow NumPy references."""
