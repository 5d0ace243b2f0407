"""Pieces shared by every area: audit log, markup, text folding, permissions, errors."""
