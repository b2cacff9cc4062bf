"""Lantern: the information system of a national response to human trafficking."""
