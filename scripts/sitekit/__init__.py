"""Tooling for the Serverless Architecture Patterns site: diagrams, generated pages, checks."""
