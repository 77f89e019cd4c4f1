"""The concerns of `make check`, one module each; sitekit.check runs them all."""
